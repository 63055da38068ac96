// `portico config init [file]` and `portico config parse <file>` (kong config init/parse).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KongError } from '../core/errors.ts';
import { CliError, type Command, type Output, type ParsedValues } from './args.ts';
import { CONF_HELP, CONF_OPTION, PREFIX_HELP, PREFIX_OPTION, settingsFromFlags } from './common-options.ts';
import { KONG_YML_TEMPLATE } from './kong-yml-template.ts';

/** Refuse to read declarative files larger than this (the YAML parser holds it all in memory). */
const MAX_DECLARATIVE_BYTES = 64 * 1024 * 1024;

export const configInitCommand: Command = {
  name: 'config init',
  summary: 'Write an example declarative configuration file',
  description: 'Write an example declarative configuration file (default ./kong.yml). An existing file is never overwritten.',
  help: `${CONF_HELP}\n${PREFIX_HELP}`,
  positionals: { synopsis: '[file]', min: 0, max: 1 },
  options: { ...CONF_OPTION, ...PREFIX_OPTION },
  async run(_values: ParsedValues, positionals: string[], output: Output): Promise<number> {
    const path = resolve(positionals[0] ?? 'kong.yml');
    try {
      // `wx` fails atomically when the file exists: no check-then-write race.
      // 0600: this file is where credentials (keys, passwords) end up.
      writeFileSync(path, KONG_YML_TEMPLATE, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new CliError(`${path} already exists; not overwriting it`);
      throw new CliError(`could not write ${path}: ${code ?? (error as Error).message}`);
    }
    output.out(`Created ${path}\n`);
    return 0;
  },
};

function readDeclarativeFile(path: string): string {
  try {
    const size = statSync(path).size;
    if (size > MAX_DECLARATIVE_BYTES) throw new CliError(`${path} is too large (${size} bytes; at most ${MAX_DECLARATIVE_BYTES})`);
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `no file at: ${path}` : `could not read ${path}: ${code ?? (error as Error).message}`);
  }
}

export const configParseCommand: Command = {
  name: 'config parse',
  summary: 'Validate a declarative configuration file',
  description: 'Parse and validate a declarative configuration file; prints `parse successful` or every error found.',
  help: `${CONF_HELP}\n${PREFIX_HELP}`,
  positionals: { synopsis: '<file>', min: 1, max: 1 },
  options: { ...CONF_OPTION, ...PREFIX_OPTION },
  async run(values: ParsedValues, positionals: string[], output: Output): Promise<number> {
    // Kong loads kong.conf first (it decides which plugins are enabled); errors there come first.
    const settings = settingsFromFlags(values, output);
    const path = resolve(positionals[0]!);
    const text = readDeclarativeFile(path);
    // Imported on demand: only this command needs the declarative loader and the entity schemas.
    const declarative = await import('../store/declarative/index.ts');
    // Plugin configs validate against the schemas of the plugins kong.conf enables, custom ones too.
    const { loadNodePlugins } = await import('../pipeline/index.ts');
    const { bundledPlugins } = await import('../plugins/index.ts');
    try {
      await loadNodePlugins(settings.plugins, settings.raw.lua_package_path ?? '', bundledPlugins);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    try {
      declarative.loadDeclarative(text);
    } catch (error) {
      if (!(error instanceof KongError)) throw error;
      output.err(`Error: Failed parsing ${path}:\n${declarative.formatDeclarativeErrors(error)}\n`);
      return 1;
    }
    output.out('parse successful\n');
    return 0;
  },
};
