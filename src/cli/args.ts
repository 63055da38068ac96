// Shared argument handling for every command: node:util parseArgs with Kong's flag names, a
// `--help` on each command, and usage errors that become one line on stderr (never a stack).
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** An operator-facing failure: printed as `Error: <message>` (no stack trace), exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** A mistake in how the CLI was called. */
export class UsageError extends CliError {
  override name = 'UsageError';
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export type ParsedValues = Record<string, string | boolean | undefined>;

export interface Command {
  /** As typed after `portico`, e.g. `start` or `config parse`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Longer text for `--help`; defaults to the summary. */
  description?: string;
  /** Full help text printed by `--help` (after the Usage line). */
  help: string;
  /** `<conf>` or `[file]` style positional synopsis. */
  positionals?: { synopsis: string; min: number; max: number };
  options: ParseArgsOptionsConfig;
  run(values: ParsedValues, positionals: string[], output: Output): Promise<number>;
}

/** Kong's global `--v` / `--vv` verbosity flags and `--help`, accepted by every command. */
export const GLOBAL_OPTIONS: ParseArgsOptionsConfig = {
  help: { type: 'boolean', short: 'h' },
  v: { type: 'boolean' },
  vv: { type: 'boolean' },
};

export const GLOBAL_HELP = ` --v                verbose
 --vv               debug
 -h,--help          print this help`;

export function usageLine(command: Command): string {
  const positional = command.positionals ? ` ${command.positionals.synopsis}` : '';
  return `Usage: portico ${command.name} [OPTIONS]${positional}`;
}

export function helpText(command: Command): string {
  return `${usageLine(command)}\n\n${command.description ?? `${command.summary}.`}\n\nOptions:\n${command.help}${command.help ? '\n' : ''}${GLOBAL_HELP}\n`;
}

interface ParseArgsError extends Error {
  code?: string;
}

/** Parses argv for one command; returns null when `--help` was printed. */
export function parseCommandArgs(command: Command, argv: string[], output: Output): { values: ParsedValues; positionals: string[] } | null {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    const err = error as ParseArgsError;
    const option = /'([^']+)'/.exec(err.message)?.[1];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option '${option}' for 'portico ${command.name}' (see 'portico ${command.name} --help')`);
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(`option '${option ?? '?'}' of 'portico ${command.name}' ${/argument missing/.test(err.message) ? 'needs a value' : 'takes no value'}`);
    }
    throw new UsageError(err.message);
  }
  const values = parsed.values as ParsedValues;
  if (values.help) {
    output.out(helpText(command));
    return null;
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (parsed.positionals.length > max) {
    throw new UsageError(`unexpected argument '${parsed.positionals[max]}' for 'portico ${command.name}' (${usageLine(command)})`);
  }
  if (parsed.positionals.length < min) {
    throw new UsageError(`missing argument ${command.positionals!.synopsis} for 'portico ${command.name}' (${usageLine(command)})`);
  }
  return { values, positionals: parsed.positionals };
}

/** A string flag's value (parseArgs types them loosely). */
export function stringFlag(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A non-negative number of seconds from a flag, or the default. */
export function secondsFlag(values: ParsedValues, name: string, fallback: number): number {
  const value = stringFlag(values, name);
  if (value === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new UsageError(`option '--${name}' expects a number of seconds, got '${value}'`);
  return Number(value);
}
