import { describe, expect, it } from 'vitest';
import { compareIds, rankingRows, sortIds, stripNul } from '../../src/db/ranking-rows.ts';
import { makeRanking } from '../support/rankings.ts';

describe('rankingRows', () => {
  it('keeps one row per creator, the last occurrence winning, ordered by uid', () => {
    const ranking = makeRanking({ size: 3, livesPerEntry: 0 });
    const [first, second, third] = ranking.entries;
    if (!first || !second || !third) throw new Error('fixture too small');
    third.creator = { ...first.creator, nickname: 'last wins' };

    const rows = rankingRows(ranking);

    expect(rows.creators.uid).toEqual([first.creator.uid, second.creator.uid]);
    expect(rows.creators.nickname).toEqual(['last wins', second.creator.nickname]);
    expect(rows.entries.creatorUid).toEqual([
      first.creator.uid,
      second.creator.uid,
      first.creator.uid,
    ]);
  });

  it('orders ids numerically, not as text', () => {
    const ranking = makeRanking({ size: 2, livesPerEntry: 0 });
    const [first, second] = ranking.entries;
    if (!first || !second) throw new Error('fixture too small');
    first.creator.uid = '10000000000000000000';
    second.creator.uid = '9';

    expect(rankingRows(ranking).creators.uid).toEqual(['9', '10000000000000000000']);
  });

  it('keeps a creator category name seen earlier when a later row has none', () => {
    const ranking = makeRanking({ size: 2, livesPerEntry: 0 });
    const second = ranking.entries[1];
    if (!second) throw new Error('fixture too small');
    second.creator.categoryName = null;

    expect(rankingRows(ranking).creatorCategories).toEqual({ id: [4], name: ['Beauty'] });
  });

  it('flattens top lives with the rank of their entry', () => {
    const rows = rankingRows(makeRanking({ size: 2, livesPerEntry: 2 }));

    expect(rows.topLives.rank).toEqual([1, 1, 2, 2]);
    expect(rows.topLives.position).toEqual([1, 2, 1, 2]);
    expect(rows.liveStreams.roomId).toHaveLength(4);
  });
});

describe('stripNul', () => {
  it('removes U+0000 and nothing else', () => {
    expect(stripNul('a\u0000b\u0000')).toBe('ab');
    expect(stripNul('✨ 美妆 \u0001')).toBe('✨ 美妆 \u0001');
  });
});

describe('sortIds', () => {
  it('orders generated ids of every length as compareIds does, numerically', () => {
    let state = 5;
    const random = () => {
      state = (state * 1_664_525 + 1_013_904_223) >>> 0;
      return state / 2 ** 32;
    };
    for (let run = 0; run < 50; run++) {
      const ids = new Set<string>();
      for (let i = 0; i < 300; i++) {
        const length = random() < 0.8 ? 19 : 1 + Math.floor(random() * 20);
        let id = String(1 + Math.floor(random() * 9));
        while (id.length < length) id += String(Math.floor(random() * 10));
        ids.add(id);
      }
      const sorted = sortIds(ids);
      expect(sorted).toEqual([...ids].sort(compareIds));
      const asBigInts = sorted.map(BigInt);
      expect(asBigInts.every((id, i) => i === 0 || (asBigInts[i - 1] ?? id) < id)).toBe(true);
    }
    expect(sortIds([])).toEqual([]);
  });
});
