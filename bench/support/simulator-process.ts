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

export async function startSimulatorProcess(
  options: Omit<SimulatorOptions, 'host'> = {},
): Promise<SimulatorProcess> {
  const child = fork(CHILD, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
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
