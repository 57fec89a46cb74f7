import type { Config } from '../config.ts';
import { PRIORITY } from '../db/ledger.ts';
import { planBackfill } from '../plan/plan.ts';
import { startSimulator } from '../simulator/server.ts';
import { formatDemoAnswers, readDemoAnswers } from './demo-answers.ts';
import { DEMO_SELECTION, demoWeek } from './demo-plan.ts';
import { executeRun } from './execute-run.ts';
import type { ExitCode } from './exit-codes.ts';
import { openRuntime } from './runtime.ts';
import { SIMULATOR_DEFAULT_TOKEN } from './simulator-options.ts';
import { exitCodeOf, formatSummary } from './summary.ts';
import { untilTerminated } from './termination.ts';

/** The simulator runs in this process on localhost, so the demo may ask it for much more than the real API's quota allows. */
const DEMO_RPS = 50;
const DEMO_CONCURRENCY = 8;

/** The URL with its password masked, for a DATABASE_URL that is the user's own. */
function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '****';
  return parsed.toString();
}

function connectionText(url: string, embedded: boolean): string {
  if (!embedded) {
    return `Data loaded into DATABASE_URL (${withoutPassword(url)}), schema fastmoss.`;
  }
  const parsed = new URL(url);
  return [
    'Connect with psql or a BI tool (schema fastmoss; views v_rankings, v_top_lives, v_creator_history, v_coverage):',
    `  psql "${url}"`,
    `  host ${parsed.hostname}  port ${parsed.port}  database ${parsed.pathname.slice(1)}  user ${decodeURIComponent(parsed.username)}  password ${decodeURIComponent(parsed.password)}`,
  ].join('\n');
}

/**
 * `demo`: the whole pipeline on the bundled simulator (in this process, on a free port) and the
 * configured database (the embedded one by default): a week of days, that week and its month,
 * for three regions; then three analyst questions answered from the views. With `keep`, Postgres
 * and the simulator stay up until SIGINT / SIGTERM.
 */
export async function demo(
  flags: { keep?: boolean },
  config: Config,
  now: Date,
): Promise<ExitCode> {
  const week = demoWeek(now);
  const simulator = await startSimulator({ token: SIMULATOR_DEFAULT_TOKEN });
  try {
    const runtime = await openRuntime(
      {
        ...config,
        baseUrl: simulator.url,
        credentials: { mode: 'bearer', token: SIMULATOR_DEFAULT_TOKEN },
        rps: DEMO_RPS,
        concurrency: DEMO_CONCURRENCY,
        selection: DEMO_SELECTION,
      },
      { api: true, migrate: true },
    );
    try {
      const planned = planBackfill(DEMO_SELECTION, week.from, week.to, now);
      const summary = await executeRun(
        runtime,
        {
          trigger: 'demo',
          plans: [{ planned, force: false }],
          priority: PRIORITY.backfill,
          runOptions: { from: week.from, to: week.to, selection: DEMO_SELECTION },
        },
        { progress: true },
      );
      const answers = await readDemoAnswers(runtime.db.pool, week, DEMO_SELECTION.regions);
      const embedded = config.databaseUrl === undefined;
      process.stdout.write(
        [
          formatSummary(summary),
          '',
          formatDemoAnswers(answers),
          '',
          connectionText(runtime.db.url, embedded),
          '',
        ].join('\n'),
      );
      if (flags.keep) {
        process.stdout.write(
          [
            `Postgres and the simulator stay up until Ctrl-C. The simulator answers at ${simulator.url}:`,
            `  FASTMOSS_BASE_URL=${simulator.url} FASTMOSS_TOKEN=${SIMULATOR_DEFAULT_TOKEN} npx fastmoss-etl backfill --from ${week.from} --to ${week.to} --regions MX`,
            '',
          ].join('\n'),
        );
        await untilTerminated();
        process.stdout.write('stopping Postgres and the simulator\n');
      } else if (embedded) {
        process.stdout.write(
          'The embedded Postgres stops now; its data stays in .fastmoss-etl/. ' +
            'To keep it (and the simulator) up for psql or a BI tool: npx fastmoss-etl demo --keep\n',
        );
      }
      return exitCodeOf(summary);
    } finally {
      await runtime.close();
    }
  } finally {
    await simulator.close();
  }
}
