export { createSqliteStore, openSqliteMigrations } from './sqlite-store.ts';
export type { SqliteStoreOptions } from './sqlite-store.ts';
