import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observe/logger.ts';
import { createProgressReporter } from '../../src/observe/progress.ts';
import { createTerminal } from '../../src/observe/terminal.ts';
import { screenRows } from '../support/terminal-screen.ts';

function fakeStream(isTTY: boolean, columns = 200) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (text: string) => writes.push(text) } };
}

function screen(writes: string[]): string[] {
  return screenRows(writes.join(''));
}

describe('createTerminal', () => {
  it('prints a log line above the status line and draws the status line again below it', () => {
    const { writes, stream } = fakeStream(true);
    const terminal = createTerminal(stream);
    terminal.setStatus('[##--] 2/4 rankings');
    terminal.print('a log line\n');
    terminal.setStatus('[###-] 3/4 rankings');
    terminal.print('another\n');
    expect(screen(writes)).toEqual(['a log line', 'another', '[###-] 3/4 rankings']);
    terminal.clearStatus();
    expect(screen(writes)).toEqual(['a log line', 'another', '']);
  });

  it('cuts the status line to the terminal width so that redrawing it never wraps', () => {
    const { writes, stream } = fakeStream(true, 11);
    const terminal = createTerminal(stream);
    terminal.setStatus('0123456789abcdef');
    terminal.print('x\n');
    expect(screen(writes)).toEqual(['x', '0123456789']);
  });

  it('off a terminal prints lines as they are and never a status line', () => {
    const { writes, stream } = fakeStream(false);
    const terminal = createTerminal(stream);
    terminal.setStatus('bar');
    terminal.print('line\n');
    terminal.clearStatus();
    expect(writes).toEqual(['line\n']);
  });
});

describe('logger and progress bar on one terminal', () => {
  it('keep every log line whole, each on its own line, with the bar last', () => {
    let now = 0;
    const { writes, stream } = fakeStream(true);
    const terminal = createTerminal(stream);
    const logger = createLogger({
      pretty: true,
      level: 'info',
      destination: { write: (line: string) => terminal.print(line) },
    });
    const progress = createProgressReporter({ total: 3, terminal, clock: () => now });
    now = 1_000;
    progress.rankingFinished('loaded');
    logger.warn(
      { ranking: 'US/pc=all/cc=all/day:2026-04-01/gmv', reason: 'HTTP 500' },
      'ranking failed',
    );
    now = 2_000;
    progress.rankingFinished('failed');
    const shown = screen(writes);
    expect(shown).toHaveLength(2);
    expect(shown[0]).toMatch(
      /^\[[\d: -]+\] WARN: ranking failed \{"ranking":"US\/pc=all\/cc=all\/day:2026-04-01\/gmv","reason":"HTTP 500"\}$/,
    );
    expect(shown[1]).toMatch(/^\[#+-+\] 2\/3 rankings 66% \| 1 failed/);
    progress.finish();
    expect(screen(writes).at(-1)).toBe('');
  });
});
