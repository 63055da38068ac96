export { bootstrap, finish, migrationsStatus, reset, up, assertReady, DatabaseNotReadyError } from './runner.ts';
export type { MigrationsStatus } from './runner.ts';
export type { MigrationDatabase } from './runner-types.ts';
export { coreMigrations } from './steps.ts';
export type { MigrationStep } from './steps.ts';
