// Portico's versioned schema steps, run in name order and recorded in `schema_meta`. Like Kong's
// migrations, a step has a non-destructive `up` (safe while older nodes still run) and an
// optional `teardown` that `migrations finish` runs once every node is upgraded.
import type { SqlDialect, SqlSession } from './dialect.ts';
import type { SqlTablesLike } from './runner-types.ts';

export interface MigrationStep {
  name: string;
  up(session: SqlSession, context: MigrationContext): Promise<void>;
  teardown?(session: SqlSession, context: MigrationContext): Promise<void>;
}

export interface MigrationContext {
  dialect: SqlDialect;
  tables: SqlTablesLike;
}

export const VERSION_TABLE = 'portico_version';

export const coreMigrations: MigrationStep[] = [
  {
    // The configuration version every write bumps in its own transaction: other workers,
    // processes and cluster nodes detect changes by reading this one row.
    name: '000_base',
    async up(session, { dialect }) {
      await session.run(`CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (id INTEGER PRIMARY KEY, version ${dialect.kind === 'postgres' ? 'BIGINT' : 'INTEGER'} NOT NULL)`);
      await session.run(`INSERT INTO ${VERSION_TABLE} (id, version) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM ${VERSION_TABLE} WHERE id = 1)`);
    },
  },
  {
    // One table per entity registered at bootstrap time (core entities and plugin DAOs loaded so
    // far); entities registered later get their table on first write.
    name: '001_entities',
    async up(session, { tables }) {
      for (const table of tables.registeredTables()) await tables.ensure(session, table);
    },
  },
];
