// SQLite-only behaviour: several store instances (workers, processes) on one file, the busy
// path, database-level failures, the embedded self-bootstrap and the migrations commands.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrorCode } from '../../core/errors.ts';
import { registerEntityDefinition } from '../../entities/index.ts';
import type { EntityDefinition } from '../../entities/index.ts';
import { newUuid } from '../../core/ids.ts';
import { consumerRow, rejectsWith, serviceRow } from '../conformance-fixtures.ts';
import { DatabaseUnavailableError } from '../errors.ts';
import { bootstrap, finish, migrationsStatus, reset, up } from '../migrations/index.ts';
import type { MigrationStep } from '../migrations/index.ts';
import { createSqliteStore, openSqliteMigrations } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'portico-sqlite-specifics-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => join(dir, `db-${++counter}.db`);

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('sqlite store: several instances on one file', () => {
  it('makes a writer wait for another instance\'s open transaction, then applies constraints', async () => {
    const path = freshPath();
    const [a, b] = [await createSqliteStore({ path }), await createSqliteStore({ path })];
    const release = deferred();
    const entered = deferred();
    const holding = a.transaction(async (tx) => {
      await tx.insert('consumers', consumerRow('alice'));
      entered.resolve();
      await release.promise;
    });
    await entered.promise;
    const waiting = b.insert('consumers', consumerRow('alice'));
    setTimeout(release.resolve, 50);
    await holding;
    await rejectsWith(waiting, ErrorCode.UNIQUE_VIOLATION, `UNIQUE violation detected on '{username="alice"}'`);
    await Promise.all([a.close(), b.close()]);
  });

  it('gives up with DatabaseUnavailableError once the busy timeout is spent', async () => {
    const path = freshPath();
    const holder = await createSqliteStore({ path });
    const impatient = await createSqliteStore({ path, busyTimeoutMs: 100 });
    const release = deferred();
    const entered = deferred();
    const holding = holder.transaction(async (tx) => {
      await tx.insert('consumers', consumerRow('holder'));
      entered.resolve();
      await release.promise;
    });
    await entered.promise;
    const started = Date.now();
    await assert.rejects(impatient.insert('consumers', consumerRow('late')), DatabaseUnavailableError);
    assert.ok(Date.now() - started < 1000, 'fails within a bounded time');
    release.resolve();
    await holding;
    // and recovers by itself once the lock is free
    await impatient.insert('consumers', consumerRow('late'));
    assert.equal((await holder.all('consumers')).length, 2);
    await Promise.all([holder.close(), impatient.close()]);
  });

  it('keeps the version across a reopen', async () => {
    const path = freshPath();
    const writer = await createSqliteStore({ path });
    await writer.insert('services', serviceRow('one'));
    await writer.insert('services', serviceRow('two'));
    const version = writer.version();
    assert.ok(version >= 2);
    await writer.close();
    const reopened = await createSqliteStore({ path });
    assert.equal(reopened.version(), version);
    await reopened.close();
  });
});

describe('sqlite store: failures change nothing', () => {
  it('reports a file it cannot open as DatabaseUnavailableError', async () => {
    await assert.rejects(createSqliteStore({ path: join(dir, 'missing-dir', 'x.db') }), (error: unknown) => {
      assert.ok(error instanceof DatabaseUnavailableError);
      assert.match(error.message, /^database unavailable: /);
      return true;
    });
  });

  it('undoes only the inner part of a nested transaction that fails', async () => {
    const store = await createSqliteStore({ path: freshPath() });
    const before = store.version();
    await store.transaction(async (tx) => {
      await tx.insert('consumers', consumerRow('outer'));
      await assert.rejects(tx.transaction(async (inner) => {
        await inner.insert('consumers', consumerRow('inner'));
        throw new Error('inner failed');
      }), /inner failed/);
    });
    assert.deepEqual((await store.all('consumers')).map((c) => c.username), ['outer']);
    assert.equal(store.version(), before + 1);
    await store.close();
  });

  it('stores SQL-looking and unicode values verbatim', async () => {
    const store = await createSqliteStore({ path: freshPath() });
    const name = `x'); DROP TABLE services; --`;
    const row = serviceRow(name, { tags: ['ü-tag', "o'neil"] });
    await store.insert('services', row);
    assert.deepEqual(await store.selectByUnique('services', 'name', name), row);
    assert.equal((await store.page('services', { tags: { mode: 'and', values: ["o'neil", 'ü-tag'] } })).data.length, 1);
    await store.close();
  });

  it('sets a foreign key to null on delete when the relation says so (plugin-defined tables)', async () => {
    const relations = {
      teams: { uniqueFields: ['name'], foreignKeys: [], cacheKey: null },
      members: { uniqueFields: [], foreignKeys: [{ field: 'team', reference: 'teams', onDelete: 'null' as const }], cacheKey: null },
    };
    const store = await createSqliteStore({ path: freshPath(), relations });
    const team = { id: newUuid(), name: 'core' };
    const member = { id: newUuid(), team: { id: team.id } };
    await store.insert('teams', team);
    await store.insert('members', member);
    await store.delete('teams', team.id);
    assert.deepEqual(await store.select('members', member.id), { id: member.id, team: null });
    await store.close();
  });
});

describe('sqlite store: tables of entities registered later', () => {
  it('creates a plugin entity table on first write and cascades consumer deletion to it', async () => {
    const store = await createSqliteStore({ path: freshPath() });
    // What a plugin's daos.ts registers (only the store-relevant metadata matters here).
    registerEntityDefinition({
      name: 'portico_test_credentials', uniqueFields: ['id', 'key'], cacheKey: ['key'],
      foreignKeys: [{ field: 'consumer', reference: 'consumers', onDelete: 'cascade' }],
    } as unknown as EntityDefinition);
    const consumer = consumerRow('owner');
    await store.insert('consumers', consumer);
    assert.deepEqual(await store.all('portico_test_credentials'), []);
    const credential = { id: newUuid(), key: 'secret', consumer: { id: consumer.id } };
    await store.insert('portico_test_credentials', credential);
    await rejectsWith(store.insert('portico_test_credentials', { ...credential, id: newUuid() }), ErrorCode.UNIQUE_VIOLATION,
      `UNIQUE violation detected on '{key="secret"}'`);
    await store.delete('consumers', consumer.id);
    assert.deepEqual(await store.all('portico_test_credentials'), []);
    await store.close();
  });

  it('forgets a table whose creating transaction rolled back, and creates it again', async () => {
    const relations = { teams: { uniqueFields: ['name'], foreignKeys: [], cacheKey: null } };
    const store = await createSqliteStore({ path: freshPath(), relations });
    const entered = deferred();
    const release = deferred();
    const failing = store.transaction(async (tx) => {
      await tx.insert('teams', { id: newUuid(), name: 'ghost' });
      entered.resolve();
      await release.promise;
      throw new Error('changed my mind');
    });
    await entered.promise;
    assert.deepEqual(await store.all('teams'), [], 'the table is not visible outside the transaction');
    release.resolve();
    await assert.rejects(failing, /changed my mind/);
    const team = { id: newUuid(), name: 'real' };
    await store.insert('teams', team);
    assert.deepEqual(await store.all('teams'), [team]);
    await store.close();
  });
});

describe('sqlite migrations', () => {
  it('bootstraps a fresh file on open, and reset starts over', async () => {
    const path = freshPath();
    const store = await createSqliteStore({ path });
    await store.insert('services', serviceRow('kept'));
    await store.close();
    const migrations = await openSqliteMigrations({ path });
    const status = await migrationsStatus(migrations);
    assert.deepEqual(status, { bootstrapped: true, executed: ['000_base', '001_entities'], pending: [], newMigrations: [] });
    assert.equal(await bootstrap(migrations), false, 'already bootstrapped');
    await reset(migrations);
    assert.equal((await migrationsStatus(migrations)).bootstrapped, false);
    await migrations.close();
    const again = await createSqliteStore({ path });
    assert.deepEqual(await again.all('services'), []);
    await again.close();
  });

  it('runs new steps with up and their teardown with finish', async () => {
    const migrations = await openSqliteMigrations({ path: freshPath() });
    const log: string[] = [];
    const step = (name: string, withTeardown: boolean): MigrationStep => ({
      name,
      async up() { log.push(`${name}:up`); },
      ...(withTeardown ? { async teardown() { log.push(`${name}:teardown`); } } : {}),
    });
    await assert.rejects(up(migrations, [step('000_a', false)]), /Database needs bootstrapping or is older than Kong 1\.0\.[\s\S]*portico migrations bootstrap/);
    await bootstrap(migrations, [step('000_a', true)]);
    const steps = [step('000_a', true), step('001_b', true), step('002_c', false)];
    assert.deepEqual(await up(migrations, steps), ['001_b', '002_c']);
    assert.deepEqual(await migrationsStatus(migrations, steps), { bootstrapped: true, executed: ['000_a', '002_c'], pending: ['001_b'], newMigrations: [] });
    assert.deepEqual(await finish(migrations, steps), ['001_b']);
    assert.deepEqual(await up(migrations, steps), []);
    assert.deepEqual(log, ['000_a:up', '000_a:teardown', '001_b:up', '002_c:up', '001_b:teardown']);
    await migrations.close();
  });
});
