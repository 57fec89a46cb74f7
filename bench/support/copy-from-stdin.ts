import type pg from 'pg';

/*
 * `COPY ... FROM STDIN` through pg's own client, without pg-copy-streams: pg hands any query
 * object with a `submit(connection)` method the protocol messages of its query (a Submittable),
 * and its Connection can send CopyData / CopyDone. Its type declarations omit those two methods,
 * hence the checked narrowing below.
 */

interface CopyWire {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

function isCopyWire(connection: unknown): connection is CopyWire {
  if (typeof connection !== 'object' || connection === null) return false;
  return (
    'query' in connection &&
    typeof connection.query === 'function' &&
    'sendCopyFromChunk' in connection &&
    typeof connection.sendCopyFromChunk === 'function' &&
    'endCopyFrom' in connection &&
    typeof connection.endCopyFrom === 'function'
  );
}

const CHUNK_BYTES = 64 * 1024;

class CopyFromStdin implements pg.Submittable {
  rowCount = 0;
  private failure: Error | undefined;
  readonly done: Promise<number>;
  private settle: { resolve: (rows: number) => void; reject: (error: Error) => void } | undefined;

  constructor(
    private readonly statement: string,
    private readonly data: Buffer,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  submit(connection: pg.Connection): void {
    if (!isCopyWire(connection)) throw new Error('pg connection lacks the COPY messages');
    connection.query(this.statement);
  }

  handleCopyInResponse(connection: unknown): void {
    if (!isCopyWire(connection)) return;
    for (let at = 0; at < this.data.length; at += CHUNK_BYTES) {
      connection.sendCopyFromChunk(this.data.subarray(at, at + CHUNK_BYTES));
    }
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    this.rowCount = Number(/(\d+)$/.exec(message.text ?? '')?.[1] ?? 0);
  }

  handleError(error: Error): void {
    this.failure = error;
  }

  handleReadyForQuery(): void {
    if (this.failure) this.settle?.reject(this.failure);
    else this.settle?.resolve(this.rowCount);
  }

  // Messages a COPY FROM never receives; pg calls them only on other query kinds.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
}

/** Runs `COPY table (cols) FROM STDIN` with `data` in COPY text format; resolves to rows copied. */
export async function copyFromStdin(
  client: pg.ClientBase,
  statement: string,
  data: Buffer,
): Promise<number> {
  const copy = new CopyFromStdin(statement, data);
  client.query(copy);
  return copy.done;
}

/** One value in COPY text format: `\N` for NULL, backslash escapes for the separators. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\t\n\r]/g, (char) =>
    char === '\\' ? '\\\\' : char === '\t' ? '\\t' : char === '\n' ? '\\n' : '\\r',
  );
}
