// `portico config db_import <file>` and `portico config db_export [file]` (kong config db_import /
// db_export): move a declarative configuration into the database and back out, atomically.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KongError } from '../core/errors.ts';
import type { Settings } from '../config/index.ts';
import { CliError, type Command, type Output, type ParsedValues } from './args.ts';
import { CONF_HELP, CONF_OPTION, PREFIX_HELP, PREFIX_OPTION, settingsFromFlags } from './common-options.ts';

function requireDatabase(settings: Settings, verb: string): void {
  if (settings.database === 'off') {
    throw new CliError(`'config ${verb}' is not allowed with database=off; use declarative_config (or POST /config) instead`);
  }
}

export const configDbImportCommand: Command = {
  name: 'config db_import',
  summary: 'Import a declarative configuration file into the database',
  description: 'Validate a kong.yml/JSON file and write every entity in it into the database in one transaction (existing entities with the same id are replaced).',
  help: `${CONF_HELP}\n${PREFIX_HELP}`,
  positionals: { synopsis: '<file>', min: 1, max: 1 },
  options: { ...CONF_OPTION, ...PREFIX_OPTION },
  async run(values: ParsedValues, positionals: string[], output: Output): Promise<number> {
    const settings = settingsFromFlags(values, output);
    requireDatabase(settings, 'db_import');
    const path = resolve(positionals[0]!);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(code === 'ENOENT' ? `no file at: ${path}` : `could not read ${path}: ${code}`);
    }
    const { loadDeclarative, formatDeclarativeErrors } = await import('../store/declarative/index.ts');
    const { importEntities } = await import('../runtime/import-export.ts');
    let entities;
    try {
      ({ entities } = loadDeclarative(text));
    } catch (error) {
      if (!(error instanceof KongError)) throw error;
      output.err(`Error: Failed parsing ${path}:\n${formatDeclarativeErrors(error)}\n`);
      return 1;
    }
    try {
      const count = await importEntities(settings, entities);
      output.out(`parse successful\nimport successful: ${count} entities\n`);
      return 0;
    } catch (error) {
      if (error instanceof KongError) throw new CliError(`import failed, nothing was written: ${error.message}`);
      throw new CliError(`import failed, nothing was written: ${error instanceof Error ? error.message : String(error)}`);
    }
  },
};

export const configDbExportCommand: Command = {
  name: 'config db_export',
  summary: 'Export the database as a declarative configuration file',
  description: 'Write every entity of the database to a kong.yml file (`_format_version: "3.0"`, `_transform: false`, deterministic order). An existing file is never overwritten.',
  help: `${CONF_HELP}\n${PREFIX_HELP}`,
  positionals: { synopsis: '[file]', min: 0, max: 1 },
  options: { ...CONF_OPTION, ...PREFIX_OPTION },
  async run(values: ParsedValues, positionals: string[], output: Output): Promise<number> {
    const settings = settingsFromFlags(values, output);
    requireDatabase(settings, 'db_export');
    const path = resolve(positionals[0] ?? 'kong.yml');
    const { exportEntities } = await import('../runtime/import-export.ts');
    const yaml = await exportEntities(settings);
    try {
      writeFileSync(path, yaml, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new CliError(`${path} already exists; not overwriting it`);
      throw new CliError(`could not write ${path}: ${code ?? (error as Error).message}`);
    }
    output.out(`exported to ${path}\n`);
    return 0;
  },
};
