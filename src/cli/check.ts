// `portico check [conf]`: validates a configuration file (with the environment applied, as Kong
// does) and prints `configuration at <path> is valid`.
import { resolve } from 'node:path';
import type { Command, Output, ParsedValues } from './args.ts';
import { loadReportedSettings } from './common-options.ts';

/** kong check's default argument. */
const DEFAULT_CHECK_PATH = '/etc/kong/kong.conf';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Check the validity of a configuration file',
  description: `Check the validity of a configuration file (default ${DEFAULT_CHECK_PATH}).`,
  help: '',
  positionals: { synopsis: '[conf]', min: 0, max: 1 },
  options: {},
  async run(values: ParsedValues, positionals: string[], output: Output): Promise<number> {
    const path = resolve(positionals[0] ?? DEFAULT_CHECK_PATH);
    loadReportedSettings({ confPath: path }, values, output);
    output.out(`configuration at ${path} is valid\n`);
    return 0;
  },
};
