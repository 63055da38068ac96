// `portico migrations …` building blocks. Open a handle with openSqliteMigrations({ path }) or
// openPostgresMigrations(pgOptions), then: migrationsStatus (list), bootstrap, up, finish,
// reset (drop everything; the CLI asks for --yes first), and close the handle.
export { bootstrap, finish, migrationsStatus, reset, up, assertReady, DatabaseNotReadyError } from './runner.ts';
export type { MigrationsStatus } from './runner.ts';
export type { MigrationDatabase } from './runner-types.ts';
export { coreMigrations } from './steps.ts';
export type { MigrationStep } from './steps.ts';
