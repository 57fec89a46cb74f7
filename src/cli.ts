import { Command, CommanderError } from 'commander';
import { EXIT, type ExitCode } from './commands/exit-codes.ts';
import { limitHeapGrowth } from './commands/heap-growth.ts';
import { packageVersion } from './commands/package-version.ts';
import type { RebuildFlags } from './commands/rebuild.ts';
import type { SimulatorFlags } from './commands/simulator-options.ts';
import { loadConfig } from './config.ts';
import { DatabaseConnectionError } from './db/errors.ts';
import { ConfigError, EtlError } from './domain/errors.ts';
import { EARLIEST_RANKING_DAY } from './plan/periods.ts';

/**
 * Commands -> calls, errors -> exit codes. Nothing else lives here. Each command's module is
 * imported when that command runs, so a command loads only what it uses (a backfill neither the
 * simulator, the scheduler nor drizzle's schema tooling).
 */

let exitCode: ExitCode = EXIT.ok;

/** Runs a command; a ConfigError exits 2 with its one-line reason, anything else exits 1. */
function action<A extends unknown[]>(command: (...args: A) => Promise<ExitCode>) {
  return async (...args: A) => {
    exitCode = await command(...args);
  };
}

/** Under the top-level help: where options come from, credentials and cost, exit codes. */
const TOP_LEVEL_HELP = `
Options left out come from environment variables (named "env NAME" in each
command's help), then from the defaults; README.md lists every variable. Those
about credentials and what the API costs:
  FASTMOSS_BASE_URL      the API (default: https://openapi.fastmoss.com; FastMoss's
                         development host: https://openapi.test.fastmoss.com)
  FASTMOSS_TOKEN         bearer mode: Authorization: Bearer <token>
  FASTMOSS_CLIENT_ID, FASTMOSS_CLIENT_SECRET
                         signed mode (signature version 2): tokens from /v1/token, renewed
                         before they expire, shared by every process on the database
                         (set one mode only; no credential is ever printed)
  FASTMOSS_PAGE_SIZE     pagesize asked for, 1..100 (default: 100); a smaller cap FastMoss
                         enforces (free plans: 10) is learnt once and kept in Postgres
  ETL_MAX_CALLS_PER_DAY  most API calls per UTC day, every process on the database together
                         (default: no cap); once reached, no request starts until 00:00 UTC
Exit codes: 0 done; 1 some ranking failed, or a run-wide error stopped the run;
2 bad arguments or configuration (nothing was fetched or written); the commands
that fetch say more in their help.`;

/** The contract's exit codes, under the help of the commands that fetch. */
const EXIT_CODES_HELP = `
Exit codes:
  0  every selected ranking is loaded, or not available yet: FastMoss has no data for it
     (code 20001), the summary lists it, and a later run or the daily lookback asks again
  1  some ranking failed after its retries, or a run-wide error stopped the run (token
     refused, data or call limit reached, access refused 3 times in a row, API unreachable)
  2  bad arguments or configuration: nothing was fetched or written`;

const program = new Command('fastmoss-etl')
  .description('Load FastMoss TikTok Shop live-creator rankings into Postgres')
  .version(packageVersion(), '-V, --version', 'print the version and exit')
  .helpOption('-h, --help', 'print this help and exit')
  .helpCommand('help [command]', "print a command's help and exit")
  .addHelpText('after', TOP_LEVEL_HELP)
  .exitOverride()
  .showHelpAfterError(false)
  .allowExcessArguments(false);

program
  .command('migrate')
  .description('apply pending migrations (safe to run any number of times)')
  .action(action(async () => (await import('./commands/migrate.ts')).migrate(loadConfig())));

program
  .command('backfill')
  .description('load every ranking whose period overlaps [from, to] and has ended')
  .option(
    '--from <date>',
    `first day of the range, YYYY-MM-DD, ${EARLIEST_RANKING_DAY} or later (required)`,
  )
  .option('--to <date>', 'last day of the range, YYYY-MM-DD (default: today, UTC)')
  .option('--periods <list>', 'day,week,month (default: env PERIODS, else day,week,month)')
  .option('--regions <list>', 'US,GB or all (default: env REGIONS, else all)')
  .option('--product-categories <list>', 'all,14 (default: env PRODUCT_CATEGORY_IDS, else all)')
  .option('--creator-categories <list>', 'all,4 (default: env CREATOR_CATEGORY_IDS, else all)')
  .option('--orderby <list>', 'units_sold,gmv (default: env ORDER_FIELDS, else units_sold,gmv)')
  .option('--force', 'refetch rankings that are already loaded')
  .option(
    '--dry-run',
    'print the cost (rankings; API calls at env FASTMOSS_PAGE_SIZE, or at the page-size cap FastMoss is known to enforce; time at env ETL_RPS) and the estimated rows and disk the selection adds, and exit: no API call, nothing written',
  )
  .option('--json', 'print one JSON object instead of text')
  .addHelpText('after', EXIT_CODES_HELP)
  .action(
    action(async (flags) =>
      (await import('./commands/backfill.ts')).backfill(flags, loadConfig(), new Date()),
    ),
  );

program
  .command('run')
  .description('one scheduled cycle, now: what the schedule would load today')
  .option('--json', 'print one JSON object instead of text')
  .addHelpText('after', EXIT_CODES_HELP)
  .action(
    action(async (flags: { json?: boolean }) =>
      (await import('./commands/run-now.ts')).runNow(loadConfig(), new Date(), {
        json: flags.json === true,
      }),
    ),
  );

program
  .command('schedule')
  .description(
    'the long-running scheduler (node-cron; times from env SCHEDULE_DAILY, SCHEDULE_WEEKLY, SCHEDULE_MONTHLY)',
  )
  .action(action(async () => (await import('./commands/schedule.ts')).schedule(loadConfig())));

program
  .command('status')
  .description(
    "what is loaded, missing and failed, the last runs, today's API calls against env ETL_MAX_CALLS_PER_DAY, and the warehouse's size by table",
  )
  .option('--json', 'print one JSON object instead of text')
  .option('--runs <n>', 'how many recent runs to list (default: 10)')
  .action(
    action(async (flags: { json?: boolean; runs?: string }) =>
      (await import('./commands/status.ts')).status(loadConfig(), {
        ...flags,
        runs: flags.runs ?? '10',
      }),
    ),
  );

program
  .command('demo')
  .description(
    'the whole pipeline on an embedded Postgres and the bundled simulator, then sample analyst queries',
  )
  .option('--keep', 'keep Postgres and the simulator running until Ctrl-C')
  .action(
    action(async (flags: { keep?: boolean }) =>
      (await import('./commands/demo.ts')).demo(flags, loadConfig(), new Date()),
    ),
  );

program
  .command('rebuild')
  .description('rewrite the warehouse from the raw page archive: no API call')
  .option(
    '--from <date>',
    'only rankings whose period ends on or after this day, YYYY-MM-DD (default: no bound)',
  )
  .option(
    '--to <date>',
    'only rankings whose period starts on or before this day, YYYY-MM-DD (default: no bound)',
  )
  .option('--json', 'print one JSON object instead of text')
  .action(
    action(async (flags: RebuildFlags) =>
      (await import('./commands/rebuild.ts')).rebuild(flags, loadConfig()),
    ),
  );

program
  .command('replay')
  .description('re-validate quarantined rankings from their stored pages; load those that pass')
  .option('--json', 'print one JSON object instead of text')
  .action(
    action(async (flags: { json?: boolean }) =>
      (await import('./commands/replay.ts')).replay(loadConfig(), flags),
    ),
  );

program
  .command('simulator')
  .description('the bundled FastMoss-compatible API, standalone, until Ctrl-C')
  .option('--port <n>', 'TCP port; 0 picks any free one (default: 8787)')
  .option('--host <host>', 'address to listen on (default: 127.0.0.1)')
  .option(
    '--token <token>',
    'the Bearer token it accepts (default: env FASTMOSS_TOKEN, else sim-token)',
  )
  .option(
    '--auth <mode>',
    'bearer, or signed: signature version 2 with /v1/token (default: bearer)',
  )
  .option(
    '--client-id <id>',
    'signed mode: the client id it accepts (default: env FASTMOSS_CLIENT_ID, else sim-client)',
  )
  .option(
    '--client-secret <secret>',
    'signed mode: the client secret (default: env FASTMOSS_CLIENT_SECRET, else sim-secret)',
  )
  .option('--token-ttl <s>', 'signed mode: expires_in of each access token (default: 7200)')
  .option('--no-refresh', 'signed mode: refuse every /v1/refreshToken, so clients get new tokens')
  .option('--rps <n>', 'answer HTTP 429 beyond this many requests per second (default: no limit)')
  .option(
    '--latency-ms <min,max>',
    'delay every answer by a random time in this range, in ms (default: none)',
  )
  .option('--seed <n>', 'seed of the random faults and latency (default: 1)')
  .option('--rate-429 <p>', 'share of requests answered 429 with Retry-After, 0..1 (default: 0)')
  .option('--rate-5xx <p>', 'share answered HTTP 500/502/503/504, 0..1 (default: 0)')
  .option('--rate-html <p>', 'share answered with an HTML error page, 0..1 (default: 0)')
  .option('--rate-stall <p>', 'share not answered for --stall-ms, 0..1 (default: 0)')
  .option('--rate-truncated <p>', 'share answered with half a JSON body, 0..1 (default: 0)')
  .option('--rate-reset <p>', 'share whose connection is reset, 0..1 (default: 0)')
  .option(
    '--envelope <field>',
    "the envelope's message field: msg (the guide's) or message (default: msg)",
  )
  .option('--rate-10001 <p>', 'share answered code 10001 "parameter error" (default: 0)')
  .option('--rate-20001 <p>', 'share answered code 20001 "resource not found" (default: 0)')
  .option('--rate-30001 <p>', 'share answered code 30001 "no access permission" (default: 0)')
  .option('--rate-30002 <p>', 'share answered code 30002 "data limit exceeded" (default: 0)')
  .option(
    '--rate-30003 <p>',
    'share answered code 30003 "access frequency limit exceeded" (default: 0)',
  )
  .option('--rate-40001 <p>', 'share answered code 40001 "service exception" (default: 0)')
  .option('--rate-envelope <p>', 'the same as --rate-40001 (an older name)')
  .option('--rate-quota <p>', 'the same as --rate-30002 (an older name)')
  .option('--retry-after <s>', 'Retry-After seconds sent with 429s (default: 1)')
  .option('--stall-ms <ms>', 'how long a stalled request hangs (default: 60000)')
  .option(
    '--page-size-cap <n>',
    'serve at most n rows a page whatever pagesize asks, as plans that cap it do, e.g. 10 (default: no cap)',
  )
  .action(
    action(async (flags: SimulatorFlags) =>
      (await import('./commands/simulator.ts')).simulator(flags, loadConfig()),
    ),
  );

program
  .command('grant-reader')
  .description('let an existing Postgres role (a BI tool) read schema fastmoss, now and later')
  .argument('<role>', 'the role, as it exists in Postgres')
  .action(
    action(async (role: string) =>
      (await import('./commands/grant-reader.ts')).grantReaderCommand(loadConfig(), role),
    ),
  );

async function main(): Promise<void> {
  limitHeapGrowth();
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its one-line message already; help and version are not errors.
      exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (error instanceof DatabaseConnectionError) {
      // One line naming the database and the cause; exit 2 when DATABASE_URL must change.
      process.stderr.write(`fastmoss-etl: ${error.message}\n`);
      exitCode = error.configuration ? EXIT.usage : EXIT.failed;
    } else if (error instanceof ConfigError) {
      process.stderr.write(`fastmoss-etl: ${error.message}\n`);
      exitCode = EXIT.usage;
    } else if (error instanceof EtlError) {
      process.stderr.write(`fastmoss-etl: ${error.code}: ${error.message}\n`);
      exitCode = EXIT.failed;
    } else {
      process.stderr.write(
        `fastmoss-etl: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      exitCode = EXIT.failed;
    }
  }
  process.exitCode = exitCode;
}

await main();
