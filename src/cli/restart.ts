// `portico restart`: stop the instance of the prefix if one runs, then start in the foreground
// with the same flags as `start` (Kong's restart = stop + start).
import type { Command, Output, ParsedValues } from './args.ts';
import { settingsFromFlags } from './common-options.ts';
import { runningPid } from './process-control.ts';
import { START_HELP, START_OPTIONS, runGateway } from './start.ts';
import { stopInstance } from './stop.ts';

const RESTART_STOP_TIMEOUT_SECONDS = 30;

export const restartCommand: Command = {
  name: 'restart',
  summary: 'Stop the running Portico (if any) and start it again in the foreground',
  help: START_HELP,
  options: START_OPTIONS,
  async run(values: ParsedValues, _positionals: string[], output: Output): Promise<number> {
    // Validate the new configuration before stopping a working instance.
    const settings = settingsFromFlags(values, output);
    if (runningPid(settings.prefix) !== null) {
      await stopInstance(settings.prefix, RESTART_STOP_TIMEOUT_SECONDS);
      output.out('Portico stopped\n');
    }
    return runGateway(settings, values);
  },
};
