// `portico stop` (fast: SIGTERM) and `portico quit` (graceful: SIGQUIT, then SIGTERM after
// --timeout), as `kong stop` / `kong quit` signal nginx. Both wait for the process to exit.
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, secondsFlag, stringFlag, type Command, type Output, type ParsedValues } from './args.ts';
import { PREFIX_HELP, PREFIX_OPTION } from './common-options.ts';
import { requireRunningPid, sendSignal, settingsForPrefix, waitForExit } from './process-control.ts';

/** How long `stop` waits for the primary to drain its workers and exit. */
const STOP_TIMEOUT_SECONDS = 30;
/** Kong's `kong quit` default timeout before forcing the shutdown. */
const QUIT_TIMEOUT_SECONDS = 10;

/** Sends SIGTERM to the instance in `prefix` and waits; used by stop and restart. */
export async function stopInstance(prefix: string, timeoutSeconds: number): Promise<void> {
  const pid = requireRunningPid(prefix);
  sendSignal(pid, 'SIGTERM');
  if (!(await waitForExit(pid, timeoutSeconds * 1000))) {
    throw new CliError(`Portico (pid ${pid}) did not stop within ${timeoutSeconds}s`);
  }
}

export const stopCommand: Command = {
  name: 'stop',
  summary: 'Stop the running Portico (SIGTERM) and wait for it to exit',
  help: `${PREFIX_HELP}
 -t,--timeout (default ${STOP_TIMEOUT_SECONDS}) seconds to wait for the exit`,
  options: { ...PREFIX_OPTION, timeout: { type: 'string', short: 't' } },
  async run(values: ParsedValues, _positionals: string[], output: Output): Promise<number> {
    const { prefix } = settingsForPrefix(stringFlag(values, 'prefix'));
    await stopInstance(prefix, secondsFlag(values, 'timeout', STOP_TIMEOUT_SECONDS));
    output.out('Portico stopped\n');
    return 0;
  },
};

export const quitCommand: Command = {
  name: 'quit',
  summary: 'Gracefully quit the running Portico (SIGQUIT)',
  description: 'Gracefully quit the running Portico (SIGQUIT): requests in flight finish first.\n'
    + 'After --timeout seconds the shutdown is forced (SIGTERM).',
  help: `${PREFIX_HELP}
 -t,--timeout (default ${QUIT_TIMEOUT_SECONDS}) seconds before forcing the shutdown
 -w,--wait (default 0)      seconds to wait before starting the graceful shutdown`,
  options: { ...PREFIX_OPTION, timeout: { type: 'string', short: 't' }, wait: { type: 'string', short: 'w' } },
  async run(values: ParsedValues, _positionals: string[], output: Output): Promise<number> {
    const { prefix } = settingsForPrefix(stringFlag(values, 'prefix'));
    const timeout = secondsFlag(values, 'timeout', QUIT_TIMEOUT_SECONDS);
    const wait = secondsFlag(values, 'wait', 0);
    const pid = requireRunningPid(prefix);
    if (wait > 0) await sleep(wait * 1000);
    sendSignal(pid, 'SIGQUIT');
    if (await waitForExit(pid, timeout * 1000)) {
      output.out('Portico stopped (gracefully)\n');
      return 0;
    }
    output.err(`Portico did not quit within ${timeout}s; forcing shutdown\n`);
    sendSignal(pid, 'SIGTERM');
    if (!(await waitForExit(pid, STOP_TIMEOUT_SECONDS * 1000))) {
      throw new CliError(`Portico (pid ${pid}) did not stop`);
    }
    output.out('Portico stopped (forced)\n');
    return 0;
  },
};
