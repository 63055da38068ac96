// The `portico` command line (Kong's `kong` CLI): dispatches argv to one command per file.
// Operator errors print `Error: <message>` on stderr and exit 1; a stack trace is shown only for
// unexpected failures under --vv.
import { enableCompileCache } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsError } from '../config/index.ts';
import { CliError, UsageError, parseCommandArgs, type Command, type Output } from './args.ts';
import { checkCommand } from './check.ts';
import { configInitCommand, configParseCommand } from './config.ts';
import { configDbExportCommand, configDbImportCommand } from './config-db.ts';
import {
  migrationsBootstrapCommand, migrationsFinishCommand, migrationsListCommand, migrationsResetCommand, migrationsUpCommand,
} from './migrations.ts';
import { healthCommand } from './health.ts';
import { reloadCommand } from './reload.ts';
import { restartCommand } from './restart.ts';
import { startCommand } from './start.ts';
import { quitCommand, stopCommand } from './stop.ts';
import { versionCommand } from './version.ts';

// Modules loaded from here on (the gateway itself for `start`) come from Node's compile cache:
// no TypeScript stripping on a warm start, less memory and a faster boot.
enableCompileCache(process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'portico-compile-cache'));

export const COMMANDS: readonly Command[] = [
  startCommand, stopCommand, quitCommand, restartCommand, reloadCommand, healthCommand,
  checkCommand, configInitCommand, configParseCommand, configDbImportCommand, configDbExportCommand,
  migrationsBootstrapCommand, migrationsUpCommand, migrationsFinishCommand, migrationsListCommand, migrationsResetCommand,
  versionCommand,
];

const SUBCOMMAND_GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!));

function listing(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 3;
  return commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n');
}

function mainHelp(): string {
  return `Usage: portico COMMAND [OPTIONS]\n\nThe available commands are:\n${listing(COMMANDS)}\n\n`
    + `Options:\n --v                verbose\n --vv               debug\n -h,--help          print this help\n\n`
    + `Run 'portico COMMAND --help' for the options of a command.\n`;
}

function groupHelp(group: string): string {
  const members = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  return `Usage: portico ${group} COMMAND [OPTIONS]\n\nThe available commands are:\n${listing(members)}\n\n`
    + `Run 'portico ${group} COMMAND --help' for the options of a command.\n`;
}

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';

/** Picks the command named by argv and returns it with its remaining arguments. */
function findCommand(argv: string[], output: Output): { command: Command; rest: string[] } | null {
  const [first, second] = argv;
  if (first === undefined || isHelp(first)) {
    output.out(mainHelp());
    return null;
  }
  if (SUBCOMMAND_GROUPS.has(first)) {
    if (second === undefined || isHelp(second)) {
      output.out(groupHelp(first));
      return null;
    }
    const command = COMMANDS.find((c) => c.name === `${first} ${second}`);
    if (!command) throw new UsageError(`no such command: '${first} ${second}' (see 'portico ${first} --help')`);
    return { command, rest: argv.slice(2) };
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    if (first.startsWith('-')) throw new UsageError(`unknown option '${first}' (see 'portico --help')`);
    throw new UsageError(`no such command: '${first}' (see 'portico --help')`);
  }
  return { command, rest: argv.slice(1) };
}

const processOutput: Output = {
  out: (text) => { process.stdout.write(text); },
  err: (text) => { process.stderr.write(text); },
};

/** Runs the CLI for `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], output: Output = processOutput): Promise<number> {
  try {
    const found = findCommand(argv, output);
    if (!found) return 0;
    const parsed = parseCommandArgs(found.command, found.rest, output);
    if (!parsed) return 0;
    return await found.command.run(parsed.values, parsed.positionals, output);
  } catch (error) {
    if (error instanceof CliError || error instanceof SettingsError) {
      output.err(`Error: ${error.message}\n`);
      return 1;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    output.err(`Error: ${err.message}\n${argv.includes('--vv') && err.stack ? `${err.stack}\n` : ''}`);
    return 1;
  }
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2));
}
