/** A small least-recently-used cache: the simulator's per-day and per-ranking work, computed once. */
export class LruCache<Value> {
  readonly #entries = new Map<string, Value>();

  constructor(private readonly capacity: number) {}

  /** The cached value of `key`, or `compute()`'s, remembered (evicting the oldest if full). */
  get(key: string, compute: () => Value): Value {
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached;
    }
    const value = compute();
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return value;
  }
}
