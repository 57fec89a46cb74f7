/**
 * The simulator in a process of its own, so its CPU and memory are not counted as the ETL's.
 * Options arrive as JSON in argv[2]; the parent asks for counters over IPC.
 */
import { spawnSync } from 'node:child_process';
import { type SimulatorOptions, startSimulator } from '../../src/simulator/server.ts';
import type { ChildReply, ParentRequest } from './simulator-messages.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions;
if (process.argv[3] === 'punctual') {
  // Real-time (FIFO) scheduling for this thread, where the OS allows it (see
  // startSimulatorProcess): it then reads a request the moment it arrives. Refused: left as is.
  spawnSync('chrt', ['--fifo', '--pid', '10', String(process.pid)], { stdio: 'ignore' });
}
const simulator = await startSimulator({ ...options, host: '127.0.0.1' });

const reply = (message: ChildReply) => process.send?.(message);

process.on('message', (message: ParentRequest) => {
  switch (message.type) {
    case 'counters':
      reply({
        type: 'counters',
        total: simulator.counters.total,
        byOutcome: simulator.counters.byOutcome,
        starts: [...simulator.counters.starts],
        maxStartsInSecond: simulator.counters.maxStartsInWindow(1000),
        cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
      });
      break;
    case 'reset':
      simulator.reset();
      reply({ type: 'reset' });
      break;
    case 'close':
      simulator.close().finally(() => process.exit(0));
      break;
  }
});
// The parent is gone (crashed or killed): nobody will ask us to stop.
process.on('disconnect', () => {
  simulator.close().finally(() => process.exit(0));
});
reply({ type: 'ready', url: simulator.url });
