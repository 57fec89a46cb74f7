import { describe, expect, it } from 'vitest';
import { censorSecrets, createLogger, REDACTED } from '../../src/observe/logger.ts';

const TOKEN = 'fm_live_9f8e7d6c5b4a3210';

function capturingLogger(pretty: boolean) {
  const lines: string[] = [];
  const logger = createLogger({
    pretty,
    secrets: [TOKEN],
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, output: () => lines.join('') };
}

function logTheTokenEveryWay(logger: ReturnType<typeof createLogger>): void {
  logger.info(`calling the API with ${TOKEN}`);
  logger.info('formatted %s argument', TOKEN);
  logger.info({ token: TOKEN, request: { headers: { authorization: `Bearer ${TOKEN}` } } }, 'obj');
  logger.info({ note: `free text ${TOKEN}`, nested: { deep: { value: TOKEN } } }, 'nested');
  const cause = new Error(`upstream echoed ${TOKEN}`);
  logger.error({ err: new Error(`request failed for Bearer ${TOKEN}`, { cause }) }, 'failed');
  logger.child({ bearer: TOKEN }).warn('child bindings');
}

describe('createLogger', () => {
  it('never writes the token in JSON output, wherever it was put', () => {
    const { logger, output } = capturingLogger(false);
    logTheTokenEveryWay(logger);
    const text = output();
    expect(text).not.toContain(TOKEN);
    expect(text.split('\n').filter(Boolean)).toHaveLength(6);
    expect(text).toContain(`calling the API with ${REDACTED}`);
  });

  it('never writes the token in pretty output either', () => {
    const { logger, output } = capturingLogger(true);
    logTheTokenEveryWay(logger);
    const text = output();
    expect(text).not.toContain(TOKEN);
    expect(text).toContain(`request failed for Bearer ${REDACTED}`);
  });

  it('writes one JSON object per line with the censored fields in place', () => {
    const { logger, output } = capturingLogger(false);
    logger.info({ token: 'another-token', region: 'US' }, 'fetched');
    const record = JSON.parse(output());
    expect(record).toMatchObject({ level: 30, msg: 'fetched', token: REDACTED, region: 'US' });
  });

  it('redacts authorization headers even for a token it was not told about', () => {
    const { logger, output } = capturingLogger(false);
    logger.info({ headers: { authorization: 'Bearer other' } }, 'request');
    expect(JSON.parse(output()).headers).toEqual({ authorization: REDACTED });
  });

  it('drops lines below the configured level', () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'warn',
      pretty: false,
      destination: { write: (line: string) => void lines.push(line) },
    });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['shown']);
  });
});

describe('censorSecrets', () => {
  it('replaces every occurrence of every secret', () => {
    expect(censorSecrets('a SECRET b SECRET c KEY', ['SECRET', 'KEY'])).toBe(
      `a ${REDACTED} b ${REDACTED} c ${REDACTED}`,
    );
  });

  it('replaces the JSON-escaped form of a secret with quotes or backslashes', () => {
    const secret = 'to"k\\en';
    const line = JSON.stringify({ msg: `x ${secret} y` });
    expect(censorSecrets(line, [secret])).toBe(JSON.stringify({ msg: `x ${REDACTED} y` }));
  });

  it('ignores empty secrets instead of censoring everything', () => {
    expect(censorSecrets('plain text', ['', 'absent'])).toBe('plain text');
  });
});
