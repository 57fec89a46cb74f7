import type { Config } from '../config.ts';
import { startSimulator } from '../simulator/server.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { resolveSimulatorOptions, type SimulatorFlags } from './simulator-options.ts';
import { untilTerminated } from './termination.ts';

/** `simulator`: the bundled FastMoss-compatible API, standalone, until SIGINT / SIGTERM (or its parent exits). */
export async function simulator(flags: SimulatorFlags, config: Config): Promise<ExitCode> {
  const { server, tokenSource } = resolveSimulatorOptions(flags, config.credentials);
  const running = await startSimulator(server);
  const credentialLines = server.signed
    ? [
        `  export FASTMOSS_CLIENT_ID=${server.signed.clientId}`,
        tokenSource === 'FASTMOSS_CLIENT_SECRET'
          ? '  # FASTMOSS_CLIENT_SECRET: the simulator accepts the one already in your environment'
          : tokenSource === 'flag'
            ? '  export FASTMOSS_CLIENT_SECRET=<the --client-secret you gave>'
            : `  export FASTMOSS_CLIENT_SECRET=${server.signed.clientSecret}`,
        '  unset FASTMOSS_TOKEN',
      ]
    : [
        tokenSource === 'FASTMOSS_TOKEN'
          ? '  # FASTMOSS_TOKEN: the simulator accepts the one already in your environment'
          : `  export FASTMOSS_TOKEN=${server.token}`,
      ];
  process.stdout.write(
    [
      `FastMoss simulator listening on ${running.url}`,
      ...(server.pageSizeCap === undefined
        ? []
        : [
            `Pages hold at most ${server.pageSizeCap} rows, whatever pagesize asks (a plan's cap).`,
          ]),
      'Point fastmoss-etl at it (in another shell):',
      `  export FASTMOSS_BASE_URL=${running.url}`,
      ...credentialLines,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await untilTerminated();
  await running.close();
  process.stdout.write(`simulator stopped after ${running.counters.total} requests\n`);
  return EXIT.ok;
}
