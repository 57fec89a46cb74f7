import { describe, expect, it } from 'vitest';
import type { RankingKey } from '../../src/domain/ranking.ts';
import { parseLossless } from '../../src/fastmoss/lossless-parse.ts';
import { readRankingPageFast } from '../../src/fastmoss/page-fast-path.ts';
import { rankingPageSchema } from '../../src/fastmoss/wire.ts';
import { rankingRows } from '../../src/simulator/data.ts';
import { rankingPageText } from '../../src/simulator/render.ts';

function pageData(key: RankingKey, from: number, to: number): unknown {
  const text = rankingPageText(key, 500, rankingRows(key, from, to), {
    timestamp: 1,
    requestId: 'r',
  });
  return (parseLossless(text) as { data: unknown }).data;
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const KEYS: RankingKey[] = (['US', 'GB', 'ID', 'JP'] as const).flatMap((region) =>
  (['units_sold', 'gmv'] as const).map((orderField) => ({
    region,
    productCategoryId: region === 'GB' ? 14 : null,
    creatorCategoryId: null,
    periodType: 'day',
    periodValue: '2026-03-05',
    orderField,
  })),
);

/** Every place in a parsed page where a value can be swapped: [parent, key]. */
function slots(
  value: unknown,
  found: [Record<string, unknown> | unknown[], string | number][] = [],
) {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      found.push([value, index]);
      slots(item, found);
    });
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      found.push([record, key]);
      slots(record[key], found);
    }
  }
  return found;
}

const ODD_VALUES: unknown[] = [
  null,
  undefined,
  '',
  'abc',
  '12',
  ' 7 ',
  '-3',
  '1.5',
  '-1.0',
  '7291972001835992106',
  '1e3',
  '12.50',
  // parseLossless hands integers of up to 15 digits over as numbers.
  0,
  12,
  -3,
  999_999_999_999_999,
  1.5,
  true,
  {},
  [],
  [{}],
  { id: '4', name: 'Beauty' },
];

describe('readRankingPageFast', () => {
  it('reads every generated page exactly as the zod schema does', () => {
    for (const key of KEYS) {
      for (let page = 0; page < 5; page++) {
        const data = pageData(key, page * 100 + 1, page * 100 + 100);
        const fast = readRankingPageFast(data);
        expect(fast).toBeDefined();
        expect(fast).toEqual(rankingPageSchema.parse(data));
      }
    }
  });

  it('never accepts what zod refuses, and agrees whenever it accepts (2,000 mutated pages)', () => {
    const random = seeded(42);
    let accepted = 0;
    let refused = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const key = KEYS[trial % KEYS.length] as RankingKey;
      const data = pageData(key, 1, 3);
      const places = slots(data);
      for (let edits = 1 + Math.floor(random() * 2); edits > 0; edits--) {
        const [parent, name] = places[
          Math.floor(random() * places.length)
        ] as (typeof places)[number];
        const odd = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
        (parent as Record<string | number, unknown>)[name] = odd;
      }
      const zod = rankingPageSchema.safeParse(data);
      const fast = readRankingPageFast(data);
      if (!zod.success) {
        expect(fast).toBeUndefined();
        refused++;
      } else if (fast !== undefined) {
        expect(fast).toEqual(zod.data);
        accepted++;
      }
    }
    // Both outcomes were exercised.
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });
});
