// What both persistent adapters must show when several store instances (workers, processes,
// cluster nodes) share one database: unique constraints hold across them, a change is heard
// by the others within a second, and a database-level failure in the middle of a transaction
// leaves nothing behind.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { ErrorCode } from '../../src/core/errors.ts';
import { consumerRow, rejectsWith, routeRow, serviceRow } from '../../src/store/conformance-fixtures.ts';
import { createPostgresStore } from '../../src/store/postgres/index.ts';
import { createTestSchema, TEST_SERVER } from '../../src/store/postgres/test-database.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/types.ts';

interface Database {
  /** A new store instance on this database. */
  open(): Promise<Store>;
  /** Makes inserting the consumer `boom` fail inside the database (not a constraint). */
  refuseBoom(): Promise<void>;
  drop(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'portico-instances-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function sqliteDatabase(): Promise<Database> {
  const path = join(dir, `shared-${++files}.db`);
  return {
    open: () => createSqliteStore({ path }),
    async refuseBoom() {
      const raw = new DatabaseSync(path);
      raw.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON consumers WHEN NEW.u_username = '"boom"' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
      raw.close();
    },
    drop: async () => undefined,
  };
}

async function postgresDatabase(): Promise<Database> {
  // A long poll interval: only LISTEN/NOTIFY can make the change heard within a second.
  const schema = await createTestSchema('portico_instances', { pollIntervalMs: 60_000 });
  return {
    open: () => createPostgresStore(schema.options),
    async refuseBoom() {
      const client = new pg.Client({ ...TEST_SERVER, options: `-c search_path=${schema.options.schema}` });
      await client.connect();
      await client.query(`CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.u_username = '"boom"' THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$`);
      await client.query('CREATE TRIGGER refuse_boom BEFORE INSERT ON consumers FOR EACH ROW EXECUTE FUNCTION refuse_boom()');
      await client.end();
    },
    drop: () => schema.drop(),
  };
}

for (const [label, create] of [['sqlite', sqliteDatabase], ['postgres', postgresDatabase]] as const) {
  describe(`${label}: several store instances on one database`, () => {
    it('lets exactly one of two instances insert the same unique name', async () => {
      const database = await create();
      const [a, b] = [await database.open(), await database.open()];
      const results = await Promise.allSettled([a.insert('services', serviceRow('race')), b.insert('services', serviceRow('race'))]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal(rejected.reason.code, ErrorCode.UNIQUE_VIOLATION);
      assert.equal(rejected.reason.message, `UNIQUE violation detected on '{name="race"}'`);
      assert.equal((await b.all('services')).length, 1);
      await Promise.all([a.close(), b.close()]);
      await database.drop();
    });

    it('tells another instance about a change within a second', async () => {
      const database = await create();
      const [writer, watcher] = [await database.open(), await database.open()];
      const heard = new Promise<number>((resolve) => watcher.onChange!(resolve));
      const started = Date.now();
      await writer.insert('consumers', consumerRow('notify-me'));
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no change heard within 2 s')), 2000).unref());
      const version = await Promise.race([heard, timeout]);
      assert.ok(Date.now() - started < 1000, `heard after ${Date.now() - started} ms`);
      assert.equal(version, writer.version());
      assert.equal(watcher.version(), version);
      assert.ok(await watcher.selectByUnique('consumers', 'username', 'notify-me'));
      await Promise.all([writer.close(), watcher.close()]);
      await database.drop();
    });

    it('rolls back every write when the database itself fails in the middle', async () => {
      const database = await create();
      const store = await database.open();
      await database.refuseBoom();
      const before = store.version();
      const service = serviceRow('first');
      await rejectsWith(store.transaction(async (tx) => {
        await tx.insert('services', service);
        await tx.insert('routes', routeRow(service.id));
        await tx.insert('consumers', consumerRow('boom'));
      }), ErrorCode.DATABASE_ERROR, 'disk on fire');
      assert.deepEqual(await store.all('services'), []);
      assert.deepEqual(await store.all('routes'), []);
      assert.equal(store.version(), before);
      // the version on disk did not move either: a fresh instance agrees
      const other = await database.open();
      assert.equal(other.version(), before);
      await Promise.all([store.close(), other.close()]);
      await database.drop();
    });
  });
}
