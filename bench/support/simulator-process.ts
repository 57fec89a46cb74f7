import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SimulatorOptions } from '../../src/simulator/server.ts';
import type { ChildReply, CountersReply, ParentRequest } from './simulator-messages.ts';

export const BENCH_TOKEN = 'sim-token';

/** The simulator running in a child process, reached over HTTP; counters come over IPC. */
export interface SimulatorProcess {
  url: string;
  pid: number | undefined;
  counters(): Promise<CountersReply>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./simulator-child.ts', import.meta.url));

function nextReply<T extends ChildReply['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ChildReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildReply) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as Extract<ChildReply, { type: T }>);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the simulator process exited (${code}) before answering ${type}`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * Starts the simulator in a child process. `punctual`: the simulator reads each request as it
 * arrives, as a real server on a machine of its own does, so its arrival times are the
 * requests' own. On a starved 2-core machine a simulator sharing the CPU with the clients read
 * requests up to ~800 ms after their bytes were on the wire (tcpdump beside its stamps), which
 * squeezed punctual starts into less than a second; in a session of its own (setsid: a
 * scheduling group of its own under Linux's autogroup) still up to ~60 ms. So the child also
 * asks for real-time scheduling of its main thread (`chrt -f`; root or CAP_SYS_NICE only, and
 * left as it is where refused): then ~0.2 ms. It exits when its parent goes (the IPC channel
 * closes) either way.
 */
export async function startSimulatorProcess(
  options: Omit<SimulatorOptions, 'host'> = {},
  { punctual = false }: { punctual?: boolean } = {},
): Promise<SimulatorProcess> {
  const child = fork(CHILD, [JSON.stringify(options), punctual ? 'punctual' : ''], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: punctual,
  });
  const ready = await nextReply(child, 'ready');
  const ask = (request: ParentRequest) => child.send(request);
  return {
    url: ready.url,
    pid: child.pid,
    counters: async () => {
      const reply = nextReply(child, 'counters');
      ask({ type: 'counters' });
      return reply;
    },
    reset: async () => {
      const reply = nextReply(child, 'reset');
      ask({ type: 'reset' });
      await reply;
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      ask({ type: 'close' });
      await exited;
    },
  };
}
