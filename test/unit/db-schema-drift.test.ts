import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
// drizzle-kit mangles absolute --out paths, so the scratch copy sits inside the repo (in .tmp/).
const scratch = path.join('.tmp', `drift-${randomBytes(6).toString('hex')}`);

afterAll(async () => {
  await rm(path.join(repo, scratch), { recursive: true, force: true });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

describe('migrations/', () => {
  it('matches src/db/schema.ts: drizzle-kit generate finds nothing to migrate', async () => {
    await mkdir(path.join(repo, '.tmp'), { recursive: true });
    await cp(path.join(repo, 'migrations'), path.join(repo, scratch), { recursive: true });
    const before = await listFiles(path.join(repo, scratch));

    // drizzle-kit exits 0 even when it fails, so its words and the files are what count.
    const { stdout, stderr } = await run(
      path.join(repo, 'node_modules/.bin/drizzle-kit'),
      ['generate', '--dialect', 'postgresql', '--schema', 'src/db/schema.ts', '--out', scratch],
      { cwd: repo, timeout: 60_000 },
    );

    expect(`${stdout}${stderr}`).toContain('No schema changes, nothing to migrate');
    expect(await listFiles(path.join(repo, scratch))).toEqual(before);
  }, 90_000);
});
