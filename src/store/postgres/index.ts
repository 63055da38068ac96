export { createPostgresStore, openPostgresMigrations } from './postgres-store.ts';
export type { PostgresStoreOptions } from './postgres-store.ts';
