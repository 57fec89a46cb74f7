/** Where lines go: stderr, or a fake in tests. */
export interface TerminalStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * A stream shared by log lines and one status line (the progress bar). On a terminal the status
 * line stays at the bottom: a log line clears it, is printed whole, and the status line is drawn
 * again below it, so neither corrupts the other. Elsewhere there is no status line, only lines.
 */
export interface Terminal {
  readonly isTTY: boolean;
  /** Prints whole lines (each ending in a newline) above the status line. */
  print(lines: string): void;
  /** Shows `text` as the status line in place of the one shown; does nothing off a terminal. */
  setStatus(text: string): void;
  /** Removes the status line, leaving the cursor at the start of an empty line. */
  clearStatus(): void;
}

const CLEAR_LINE = '\r\x1b[2K';

export function createTerminal(stream: TerminalStream): Terminal {
  const tty = stream.isTTY === true;
  let status: string | undefined;
  // A line wider than the terminal wraps, and \r would then redraw only its last part.
  const fitWidth = (text: string) => {
    const columns = stream.columns ?? 0;
    return columns > 1 ? text.slice(0, columns - 1) : text;
  };
  return {
    isTTY: tty,
    print(lines) {
      stream.write(status === undefined ? lines : `${CLEAR_LINE}${lines}${fitWidth(status)}`);
    },
    setStatus(text) {
      if (!tty) return;
      status = text;
      stream.write(CLEAR_LINE + fitWidth(text));
    },
    clearStatus() {
      if (status === undefined) return;
      status = undefined;
      stream.write(CLEAR_LINE);
    },
  };
}

let stderr: Terminal | undefined;

/** The process's stderr, shared by the logger and the progress bar. */
export function stderrTerminal(): Terminal {
  stderr ??= createTerminal(process.stderr);
  return stderr;
}
