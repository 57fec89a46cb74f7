import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.ts';
import { pageSizeCapStore, rememberPageSizeCap } from '../../src/db/page-size-cap.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';

const API = 'https://capped.example';

let db: TestDatabase;
beforeAll(async () => {
  db = await useTestDatabase();
});

describe('the page-size cap store a run reads before each ranking', () => {
  const pool = () => createPool(db.url, { max: 18 });
  const opened: ReturnType<typeof pool>[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((p) => p.end()));
  });

  it('serves the 16 rankings a run starts together with one read: one connection, not 16', async () => {
    const runPool = pool();
    opened.push(runPool);
    await rememberPageSizeCap(db.pool, API, 10);
    const store = pageSizeCapStore(runPool, API);
    const caps = await Promise.all(Array.from({ length: 16 }, () => store.knownCap()));
    expect(caps).toEqual(Array(16).fill(10));
    expect(runPool.totalCount).toBe(1);
  });

  it('reads again once that read has answered: a cap another process learnt meanwhile is seen', async () => {
    const runPool = pool();
    opened.push(runPool);
    const other = `${API}/other`;
    const store = pageSizeCapStore(runPool, other);
    expect(await store.knownCap()).toBeUndefined();
    await rememberPageSizeCap(db.pool, other, 25);
    expect(await store.knownCap()).toBe(25);
  });
});
