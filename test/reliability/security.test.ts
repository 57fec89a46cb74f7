import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantReader } from '../../src/db/grant-reader.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { type CliResult, runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/database.ts';
import {
  backfillArgs,
  observerPool,
  RELIABILITY_TOKEN,
  recordFigures,
  reliabilityEnv,
} from '../support/reliability-harness.ts';

const RANGE = { from: '2026-03-20', to: '2026-03-22', periods: 'day', regions: 'US,GB' };

const db = await useTestDatabase();
let simulator: Simulator;
let stranger: Simulator;
let observer: pg.Pool;

beforeAll(async () => {
  simulator = await startSimulator({ token: RELIABILITY_TOKEN });
  // Accepts another token, and its 401 message echoes the token it was shown, as some APIs do.
  stranger = await startSimulator({ token: 'some-other-token' });
  observer = observerPool(db.url);
});

afterAll(async () => {
  await observer.end();
  await simulator.close();
  await stranger.close();
});

/** Every text-like column of every fastmoss table whose value contains `needle`. */
async function columnsContaining(needle: string): Promise<string[]> {
  const columns = await observer.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'fastmoss'
       AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')`,
  );
  const found: string[] = [];
  for (const { table_name, column_name } of columns.rows) {
    const hit = await observer.query(
      `SELECT 1 FROM fastmoss.${pg.escapeIdentifier(table_name)}
       WHERE ${pg.escapeIdentifier(column_name)}::text LIKE '%' || $1 || '%' LIMIT 1`,
      [needle],
    );
    if ((hit.rowCount ?? 0) > 0) found.push(`${table_name}.${column_name}`);
  }
  return found;
}

describe('the token', () => {
  it('never reaches logs, errors, status output or any text column, even when the server echoes it', async () => {
    const outputs: CliResult[] = [];
    const debug = { LOG_LEVEL: 'debug', ETL_MAX_ATTEMPTS: '2' };
    simulator.setFaults({ script: ['429', 'html200', 'envelope', '5xx', 'envelope'] });
    outputs.push(
      await runCli(
        [...backfillArgs(RANGE), '--json'],
        reliabilityEnv(db.url, simulator.url, { ...debug, ETL_CONCURRENCY: '1' }),
      ),
    );
    simulator.setFaults({});
    // Rejected: the server's 401 message quotes the token back.
    outputs.push(
      await runCli(
        [...backfillArgs({ ...RANGE, from: '2026-03-25', to: '2026-03-25' }), '--json'],
        reliabilityEnv(db.url, stranger.url, debug),
      ),
    );
    const statusEnv = reliabilityEnv(db.url, simulator.url, debug);
    outputs.push(
      await runCli(['status'], statusEnv),
      await runCli(['status', '--json'], statusEnv),
    );

    expect(outputs.map((output) => output.code)).toEqual([1, 1, 0, 0]);
    expect(stranger.counters.byOutcome.unauthorized).toBeGreaterThan(0);
    const lastErrors = await observer.query<{ last_error: string }>(
      "SELECT last_error FROM fastmoss.etl_jobs WHERE last_error LIKE '%FASTMOSS_AUTH%' LIMIT 1",
    );
    // The echo was stored, with the token cut out of it.
    expect(lastErrors.rows[0]?.last_error).toContain('[redacted]');
    const captured = outputs.map((output) => output.stdout + output.stderr).join('\n');
    expect(captured.length).toBeGreaterThan(1000);
    expect(captured).not.toContain(RELIABILITY_TOKEN);
    expect(await columnsContaining(RELIABILITY_TOKEN)).toEqual([]);
    recordFigures('token-leak', {
      cliRuns: outputs.length,
      bytesOfOutputSearched: captured.length,
      leaks: 0,
    });
  }, 60_000);
});

describe('signed mode credentials', () => {
  const clientId = 'rel-client-id';
  const secret = 'rel-client-5ecret-H3m8';
  const signedRange = { from: '2026-02-10', to: '2026-02-12', periods: 'day', regions: 'US,GB' };

  it('the secret, access and refresh tokens never reach logs, errors, status or any readable column', async () => {
    const signed = await startSimulator({
      signed: { clientId, clientSecret: secret },
    });
    try {
      const env = (extra: Record<string, string> = {}) =>
        reliabilityEnv(db.url, signed.url, {
          FASTMOSS_TOKEN: '',
          FASTMOSS_CLIENT_ID: clientId,
          FASTMOSS_CLIENT_SECRET: secret,
          LOG_LEVEL: 'debug',
          ETL_RPS: '20',
          ETL_MAX_ATTEMPTS: '3',
          ...extra,
        });
      const outputs: CliResult[] = [];
      signed.setFaults({ script: ['429', '5xx', 'envelope'] });
      outputs.push(await runCli([...backfillArgs(signedRange), '--json'], env()));
      signed.setFaults({});
      // The stored token is still valid by its clock, but the server has ended it: its refusal
      // echoes the access token presented, and the refresh answers with new tokens.
      signed.signed?.expireAccessTokens();
      outputs.push(
        await runCli(
          [...backfillArgs({ ...signedRange, from: '2026-02-13', to: '2026-02-13' }), '--json'],
          env(),
        ),
      );
      // A wrong secret: the token endpoint's refusal echoes it.
      outputs.push(
        await runCli(
          [...backfillArgs({ ...signedRange, from: '2026-02-14', to: '2026-02-14' }), '--json'],
          env({ FASTMOSS_CLIENT_SECRET: `${secret}-wrong` }),
        ),
      );
      outputs.push(await runCli(['status'], env()), await runCli(['status', '--json'], env()));

      expect(outputs.map((output) => output.code)).toEqual([0, 0, 1, 0, 0]);
      const { byOutcome } = signed.counters;
      expect(byOutcome.tokenExpired).toBeGreaterThan(0);
      expect(byOutcome.tokenRefused).toBe(1);
      expect(byOutcome.badSignature).toBe(0);
      const issued = signed.signed?.issuedTokens() ?? [];
      expect(issued.length).toBe(4);
      const captured = outputs.map((output) => output.stdout + output.stderr).join('\n');
      expect(captured.length).toBeGreaterThan(1000);
      for (const value of [secret, ...issued]) {
        expect(captured).not.toContain(value);
        expect(await columnsContaining(value)).toEqual([]);
      }
      const stored = await observer.query<{ sealed_token: string }>(
        'SELECT sealed_token FROM fastmoss_private.access_tokens',
      );
      expect(stored.rows).toHaveLength(1);
      for (const value of issued) expect(stored.rows[0]?.sealed_token).not.toContain(value);
      recordFigures('signed-mode-leak', {
        cliRuns: outputs.length,
        tokensIssued: issued.length,
        bytesOfOutputSearched: captured.length,
        leaks: 0,
      });
    } finally {
      await signed.close();
    }
  }, 120_000);
});

describe('SQL', () => {
  /**
   * What SQL text may interpolate: a module constant (KEY_COLUMNS), a fragment builder called
   * with literals only (matchesRankingKey('j', 1)), or an identifier escaped by pg.
   */
  function isFixedFragment(expression: string): boolean {
    return (
      /^[A-Z][A-Z0-9_]*$/.test(expression) ||
      /^[A-Za-z_]+\((\s*('[^']*'|\d+)\s*,?)*\)$/.test(expression) ||
      /^pg\.escapeIdentifier\(/.test(expression) ||
      expression === 'grantee'
    );
  }

  it('is parameterised: no SQL text in src is built from a runtime value', async () => {
    const root = path.resolve(import.meta.dirname, '../../src');
    const files = (await readdir(root, { recursive: true })).filter((file) => file.endsWith('.ts'));
    const interpolated: string[] = [];
    for (const file of files) {
      const source = await readFile(path.join(root, file), 'utf8');
      // Template literals that read as SQL and are not drizzle's sql`` (which binds parameters).
      for (const literal of source.matchAll(/(?<!sql)`([^`]*)`/g)) {
        const text = literal[1] ?? '';
        if (!/\b(SELECT|INSERT|UPDATE|DELETE|GRANT|CREATE|DROP|WHERE)\b/.test(text)) continue;
        for (const value of text.matchAll(/\$\{([^}]*)\}/g)) {
          const expression = (value[1] ?? '').trim();
          if (!isFixedFragment(expression)) interpolated.push(`${file}: ${expression}`);
        }
      }
    }
    // grantReader's error message quotes the role for a person ("role "x" does not exist;
    // create it first, e.g. CREATE ROLE ..."): text, not SQL.
    expect(interpolated).toEqual(['db/grant-reader.ts: role']);
  });
});

describe('the read-only role', () => {
  it('reads every table, and INSERT, UPDATE, DELETE and TRUNCATE are refused', async () => {
    const role = `reliability_reader_${randomBytes(3).toString('hex')}`;
    const quoted = pg.escapeIdentifier(role);
    await observer.query(`CREATE ROLE ${quoted} NOLOGIN`);
    const client = await observer.connect();
    try {
      const granted = await grantReader(observer, role);
      expect(granted.relations).toBeGreaterThan(0);
      const tables = await observer.query<{ table_name: string; column_name: string }>(
        `SELECT t.table_name, min(c.column_name) AS column_name
         FROM information_schema.tables t
         JOIN information_schema.columns c USING (table_schema, table_name)
         WHERE t.table_schema = 'fastmoss' AND t.table_type = 'BASE TABLE'
         GROUP BY t.table_name ORDER BY t.table_name`,
      );
      expect(tables.rows.length).toBeGreaterThanOrEqual(9);
      await client.query(`SET ROLE ${quoted}`);
      const refused: string[] = [];
      for (const { table_name, column_name } of tables.rows) {
        const table = `fastmoss.${pg.escapeIdentifier(table_name)}`;
        const column = pg.escapeIdentifier(column_name);
        await client.query(`SELECT count(*) FROM ${table}`);
        for (const statement of [
          `INSERT INTO ${table} DEFAULT VALUES`,
          `UPDATE ${table} SET ${column} = ${column} WHERE false`,
          `DELETE FROM ${table}`,
          `TRUNCATE ${table}`,
        ]) {
          const code = await client.query(statement).then(
            () => 'allowed',
            (error: unknown) => (error instanceof Error && 'code' in error ? error.code : '?'),
          );
          expect(code, statement).toBe('42501');
          refused.push(statement);
        }
      }
      recordFigures('read-only-role', {
        tables: tables.rows.length,
        writesRefused: refused.length,
      });
    } finally {
      await client.query('RESET ROLE').catch(() => undefined);
      client.release();
      await observer.query(`DROP OWNED BY ${quoted}`);
      await observer.query(`DROP ROLE ${quoted}`);
    }
  });
});
