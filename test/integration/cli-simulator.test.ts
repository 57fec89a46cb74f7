import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TOP_CREATOR_PATH } from '../../src/fastmoss/request-body.ts';
import { signatureV2 } from '../../src/fastmoss/signature.ts';
import { runCli, startCli } from '../support/cli.ts';

const BODY = JSON.stringify({
  filter: { region: 'US', date_info: { type: 'day', value: '2026-04-01' } },
  orderby: [{ field: 'gmv', order: 'desc' }],
  page: 1,
  pagesize: 2,
});

/** Starts `simulator` and waits for the line announcing its URL. */
async function startSimulatorCli(args: string[], env: Record<string, string> = {}) {
  const cli = startCli(['simulator', '--port', '0', ...args], env);
  const stdout = cli.child.stdout;
  if (stdout === null) throw new Error('the simulator subprocess has no stdout pipe');
  let printed = '';
  while (!/listening on (http:\S+)/.test(printed)) {
    const [chunk] = (await once(stdout, 'data')) as [Buffer];
    printed += chunk.toString();
  }
  const url = /listening on (http:\S+)/.exec(printed)?.[1] ?? '';
  return { ...cli, url };
}

function ask(url: string, token: string) {
  return fetch(`${url}${TOP_CREATOR_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: BODY,
  });
}

describe('fastmoss-etl simulator', () => {
  it('serves rankings with the token it prints, and stops with exit 0 on SIGINT', async () => {
    const simulator = await startSimulatorCli(['--token', 'printed-token']);
    const response = await ask(simulator.url, 'printed-token');
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toMatch(/^\{"code":0,"data":\{"list":\[\{"creator":\{"uid":\d{19},/);
    expect((await ask(simulator.url, 'wrong-token')).status).toBe(401);

    simulator.child.kill('SIGINT');
    const result = await simulator.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`export FASTMOSS_BASE_URL=${simulator.url}`);
    expect(result.stdout).toContain('export FASTMOSS_TOKEN=printed-token');
    expect(result.stdout).toContain('simulator stopped after 2 requests');
  });

  it('accepts FASTMOSS_TOKEN from the environment without printing it', async () => {
    const simulator = await startSimulatorCli([], { FASTMOSS_TOKEN: 'secret-from-env' });
    expect((await ask(simulator.url, 'secret-from-env')).status).toBe(200);
    simulator.child.kill('SIGTERM');
    const result = await simulator.done;
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('secret-from-env');
  });

  it('answers every request with a fault when asked to, as the fault flags say', async () => {
    const simulator = await startSimulatorCli(['--rate-5xx', '1']);
    expect((await ask(simulator.url, 'sim-token')).status).toBeGreaterThanOrEqual(500);
    simulator.child.kill('SIGINT');
    expect((await simulator.done).code).toBe(0);
  });

  it('answers a documented code at its rate, the message named as --envelope says', async () => {
    const simulator = await startSimulatorCli(['--rate-30001', '1', '--envelope', 'message']);
    const answer = await ask(simulator.url, 'sim-token');
    expect(await answer.json()).toMatchObject({ code: 30001, message: 'No access permission' });
    simulator.child.kill('SIGINT');
    expect((await simulator.done).code).toBe(0);
    const bad = await runCli(['simulator', '--envelope', 'text'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("fastmoss-etl: --envelope must be msg or message, got 'text'\n");
  });

  it('serves at most --page-size-cap rows a page whatever pagesize asks', async () => {
    const simulator = await startSimulatorCli(['--page-size-cap', '1']);
    const response = await ask(simulator.url, 'sim-token');
    const text = await response.text();
    // BODY asks for 2 rows; a plan capped at 1 serves one.
    expect(text.match(/"unique_id":/g)).toHaveLength(1);
    simulator.child.kill('SIGINT');
    const result = await simulator.done;
    expect(result.stdout).toContain('Pages hold at most 1 rows');
    const help = await runCli(['simulator', '--help'], {});
    expect(help.stdout).toContain('--page-size-cap <n>');
    const refused = await runCli(['simulator', '--page-size-cap', '0'], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "fastmoss-etl: --page-size-cap must be an integer from 1 to 100, got '0'\n",
    );
  });

  it('exits 2 naming the flag when a fault rate is out of range', async () => {
    const result = await runCli(['simulator', '--rate-429', '1.5'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "fastmoss-etl: --rate-429 must be a share from 0 to 1, e.g. 0.2, got '1.5'\n",
    );
  });

  it('issues tokens of --token-ttl seconds and serves calls signed with --client-secret', async () => {
    const cli = await startSimulatorCli(
      [
        '--auth',
        'signed',
        '--client-id',
        'id-9',
        '--client-secret',
        'flag-secret',
        '--token-ttl',
        '30',
      ],
      {},
    );
    const { url } = cli;
    const token = await fetch(`${url}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'id-9', client_secret: 'flag-secret' }),
    }).then((response) => response.json() as Promise<{ data: { access_token: string } }>);
    expect(token).toMatchObject({ code: 0, data: { expires_in: 30 } });
    const body = JSON.stringify({
      filter: { region: 'US', date_info: { type: 'day', value: '2026-04-01' } },
      page: 1,
      pagesize: 2,
    });
    const path = '/live/v1/rank/topCreator';
    const query = new URLSearchParams({
      client_id: 'id-9',
      access_token: token.data.access_token,
      timestamp: String(Math.floor(Date.now() / 1000)),
      sign: signatureV2('flag-secret', path, Buffer.from(body)),
      signature_version: '2',
    });
    const signed = await fetch(`${url}${path}?${query}`, { method: 'POST', body });
    query.set('sign', signatureV2('other-secret', path, Buffer.from(body)));
    const forged = await fetch(`${url}${path}?${query}`, { method: 'POST', body });

    expect(signed.status).toBe(200);
    expect(forged.status).toBe(401);
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('export FASTMOSS_CLIENT_ID=id-9');
    expect(result.stdout).not.toContain('flag-secret');
  });
});
