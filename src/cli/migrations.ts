// `portico migrations bootstrap | up | finish | list | reset` (kong migrations …): manage the
// database schema of a Postgres cluster or the embedded SQLite file.
import { CliError, type Command, type Output, type ParsedValues } from './args.ts';
import { CONF_HELP, CONF_OPTION, PREFIX_HELP, PREFIX_OPTION, settingsFromFlags } from './common-options.ts';
import type { Settings } from '../config/index.ts';

const YES_OPTION = { yes: { type: 'boolean', short: 'y' } } as const;
const YES_HELP = ' -y,--yes                      assume "yes" to prompts and run non-interactively';

async function withMigrations<T>(settings: Settings, work: (db: Awaited<ReturnType<typeof import('../runtime/database.ts').openMigrations>>) => Promise<T>): Promise<T> {
  if (settings.database === 'off') throw new CliError("migrations need a database: this node runs with database = off (DB-less)");
  const { openMigrations } = await import('../runtime/database.ts');
  let db;
  try {
    db = await openMigrations(settings);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  try {
    return await work(db);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  } finally {
    await db.close();
  }
}

function migrationsCommand(name: string, summary: string, run: (settings: Settings, values: ParsedValues, output: Output) => Promise<number>, extra: { yes?: boolean } = {}): Command {
  return {
    name: `migrations ${name}`,
    summary,
    help: `${CONF_HELP}\n${PREFIX_HELP}${extra.yes ? `\n${YES_HELP}` : ''}`,
    positionals: { synopsis: '', min: 0, max: 0 },
    options: { ...CONF_OPTION, ...PREFIX_OPTION, ...(extra.yes ? YES_OPTION : {}) },
    run: (values, _positionals, output) => run(settingsFromFlags(values, output), values, output),
  };
}

export const migrationsBootstrapCommand = migrationsCommand('bootstrap', 'Bootstrap the database and run all migrations', async (settings, _values, output) => {
  const { bootstrap } = await import('../store/migrations/index.ts');
  const done = await withMigrations(settings, (db) => bootstrap(db));
  output.out(done ? 'Bootstrapping database...\nDatabase is up-to-date\n' : 'Database already bootstrapped\n');
  return 0;
});

export const migrationsUpCommand = migrationsCommand('up', 'Run any new migrations', async (settings, _values, output) => {
  const { up } = await import('../store/migrations/index.ts');
  const ran = await withMigrations(settings, (db) => up(db));
  output.out(ran.length === 0 ? 'Database is already up-to-date\n' : `Executed migrations:\n${ran.map((n) => `  ${n}`).join('\n')}\n`);
  return 0;
});

export const migrationsFinishCommand = migrationsCommand('finish', 'Finish running any pending migrations after \'up\'', async (settings, _values, output) => {
  const { finish } = await import('../store/migrations/index.ts');
  const ran = await withMigrations(settings, (db) => finish(db));
  output.out(ran.length === 0 ? 'No pending migrations to finish\n' : `Finished migrations:\n${ran.map((n) => `  ${n}`).join('\n')}\n`);
  return 0;
});

export const migrationsListCommand = migrationsCommand('list', 'List executed and pending migrations', async (settings, _values, output) => {
  const { migrationsStatus } = await import('../store/migrations/index.ts');
  const status = await withMigrations(settings, (db) => migrationsStatus(db));
  if (!status.bootstrapped) {
    output.out("Database needs bootstrapping or is older than Kong 1.0.\n\nTo start a new installation from scratch, run 'portico migrations bootstrap'.\n");
    return 3;
  }
  const section = (title: string, names: string[]) => (names.length ? `${title}:\n${names.map((n) => `  core: ${n}`).join('\n')}\n` : '');
  output.out(section('Executed migrations', status.executed) + section('Pending migrations', status.pending) + section('New migrations available', status.newMigrations));
  if (status.newMigrations.length > 0) return 5;
  if (status.pending.length > 0) return 4;
  output.out('Database is up-to-date\n');
  return 0;
});

export const migrationsResetCommand = migrationsCommand('reset', 'Reset the database (drops every entity)', async (settings, values, output) => {
  if (!values.yes) {
    throw new CliError("'migrations reset' deletes everything in the database; run it again with --yes to confirm");
  }
  const { reset } = await import('../store/migrations/index.ts');
  await withMigrations(settings, (db) => reset(db));
  output.out('Database successfully reset\n');
  return 0;
}, { yes: true });
