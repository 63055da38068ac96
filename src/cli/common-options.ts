// Flags shared by several commands, spelled as Kong's CLI spells them.
import type { ParseArgsOptionsConfig } from 'node:util';
import { loadSettings, settingsForDisplay, type LoadSettingsOptions, type Settings } from '../config/index.ts';
import { stringFlag, type Output, type ParsedValues } from './args.ts';

export const CONF_OPTION: ParseArgsOptionsConfig = { conf: { type: 'string', short: 'c' } };
export const PREFIX_OPTION: ParseArgsOptionsConfig = { prefix: { type: 'string', short: 'p' } };

export const CONF_HELP = ' -c,--conf (optional string)   configuration file';
export const PREFIX_HELP = ' -p,--prefix (optional string) override prefix directory';

/**
 * Loads settings and, like Kong's `--v` / `--vv`, reports on stderr which file and prefix are in
 * use and (debug) every resolved property, secrets redacted.
 */
export function loadReportedSettings(options: LoadSettingsOptions, values: ParsedValues, output: Output): Settings {
  const settings = loadSettings(options);
  if (values.v || values.vv) {
    output.err(`[verbose] ${settings.conf_path ? `reading config file at ${settings.conf_path}` : 'no config file found, using defaults and environment'}\n`);
    output.err(`[verbose] prefix in use: ${settings.prefix}\n`);
  }
  if (values.vv) {
    for (const [name, value] of Object.entries(settingsForDisplay(settings))) {
      output.err(`[debug] ${name} = ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
    }
  }
  return settings;
}

/** Settings from `-c` and `-p` (plus the environment), for commands that take both. */
export function settingsFromFlags(values: ParsedValues, output: Output): Settings {
  const prefix = stringFlag(values, 'prefix');
  return loadReportedSettings({
    confPath: stringFlag(values, 'conf'),
    overrides: prefix === undefined ? {} : { prefix },
  }, values, output);
}
