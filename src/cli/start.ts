// `portico start`: runs the gateway in the foreground (Portico has no nginx to daemonize; use a
// process manager) until SIGTERM/SIGINT/SIGQUIT. Kong's nginx/migration flags are accepted so
// existing scripts keep working; they have no effect here.
import type { Settings } from '../config/index.ts';
import { CliError, stringFlag, type Command, type ParsedValues } from './args.ts';
import { CONF_HELP, CONF_OPTION, PREFIX_HELP, PREFIX_OPTION, settingsFromFlags } from './common-options.ts';

export const START_OPTIONS = {
  ...CONF_OPTION,
  ...PREFIX_OPTION,
  'nginx-conf': { type: 'string' },
  'nginx-conf-flags': { type: 'string' },
  'run-migrations': { type: 'boolean' },
  'db-timeout': { type: 'string' },
  'lock-timeout': { type: 'string' },
} as const;

export const START_HELP = `${CONF_HELP}
${PREFIX_HELP}
 --nginx-conf, --nginx-conf-flags, --run-migrations, --db-timeout, --lock-timeout
                    accepted for compatibility with Kong; no effect`;

/**
 * Node's lenient HTTP parser re-opens request smuggling; the security bar forbids starting with it
 * (workers inherit NODE_OPTIONS and the primary's execArgv, so checking here covers them).
 */
export function refuseInsecureParser(execArgv: readonly string[], nodeOptions: string | undefined): void {
  if ([...execArgv, ...(nodeOptions ?? '').split(/\s+/)].includes('--insecure-http-parser')) {
    throw new CliError('refusing to start with --insecure-http-parser (in NODE_OPTIONS or the node flags): '
      + 'it allows request smuggling');
  }
}

/** Starts the gateway and resolves when it has shut down; start errors become CLI errors. */
export async function runGateway(settings: Settings, values: ParsedValues): Promise<number> {
  refuseInsecureParser(process.execArgv, process.env.NODE_OPTIONS);
  // Loaded on demand so that version/check/config never pay for the whole gateway.
  const { startGateway, StartError } = await import('../main.ts');
  try {
    await startGateway(settings, { confPath: stringFlag(values, 'conf') });
  } catch (error) {
    if (error instanceof StartError) throw new CliError(error.message);
    throw error;
  }
  return 0;
}

export const startCommand: Command = {
  name: 'start',
  summary: 'Start Portico in the foreground',
  description: 'Start Portico in the foreground with the given configuration (kong.conf), the KONG_* / PORTICO_*\nenvironment and the flags below. It runs until SIGTERM, SIGINT or SIGQUIT.',
  help: START_HELP,
  options: START_OPTIONS,
  run: (values, _positionals, output) => runGateway(settingsFromFlags(values, output), values),
};
