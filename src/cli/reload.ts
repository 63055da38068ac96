// `portico reload`: validates the configuration, then sends SIGHUP to the running instance,
// which re-reads its declarative configuration without dropping connections (kong reload).
import type { Command, Output, ParsedValues } from './args.ts';
import { CONF_HELP, CONF_OPTION, PREFIX_HELP, PREFIX_OPTION, settingsFromFlags } from './common-options.ts';
import { requireRunningPid, sendSignal } from './process-control.ts';

export const reloadCommand: Command = {
  name: 'reload',
  summary: 'Reload the declarative configuration of the running Portico (SIGHUP)',
  description: 'Reload the running Portico: its declarative configuration is re-read and swapped in\n'
    + 'without dropping connections. The configuration is validated first; an invalid one is refused.',
  help: `${CONF_HELP}
${PREFIX_HELP}
 --nginx-conf, --nginx-conf-flags   accepted for compatibility with Kong; no effect`,
  options: { ...CONF_OPTION, ...PREFIX_OPTION, 'nginx-conf': { type: 'string' }, 'nginx-conf-flags': { type: 'string' } },
  async run(values: ParsedValues, _positionals: string[], output: Output): Promise<number> {
    const settings = settingsFromFlags(values, output);
    const pid = requireRunningPid(settings.prefix);
    sendSignal(pid, 'SIGHUP');
    output.out('Portico reloaded\n');
    return 0;
  },
};
