// Flags shared by several commands, spelled as Kong's CLI spells them.
import type { ParseArgsOptionsConfig } from 'node:util';
import { loadSettings, type Settings } from '../config/index.ts';
import { stringFlag, type ParsedValues } from './args.ts';

export const CONF_OPTION: ParseArgsOptionsConfig = { conf: { type: 'string', short: 'c' } };
export const PREFIX_OPTION: ParseArgsOptionsConfig = { prefix: { type: 'string', short: 'p' } };

export const CONF_HELP = ' -c,--conf (optional string)   configuration file';
export const PREFIX_HELP = ' -p,--prefix (optional string) override prefix directory';

/** Settings from `-c` and `-p` (plus the environment), for commands that take both. */
export function settingsFromFlags(values: ParsedValues): Settings {
  const prefix = stringFlag(values, 'prefix');
  return loadSettings({
    confPath: stringFlag(values, 'conf'),
    overrides: prefix === undefined ? {} : { prefix },
  });
}
