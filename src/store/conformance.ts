// The behaviour every Store adapter must show (memory, SQLite, Postgres run the same cases).
// Usage in an adapter's test file: `runStoreConformance('sqlite', () => openTestStore())`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../core/errors.ts';
import { newUuid } from '../core/ids.ts';
import {
  consumerRow, pluginRow, rejectsWith, routeRow, serviceRow, targetRow, upstreamRow,
} from './conformance-fixtures.ts';
import type { StoreFactory } from './conformance-fixtures.ts';
import { registerPagingCases } from './conformance-paging.ts';
import { registerRelationCases } from './conformance-relations.ts';

export type { StoreFactory } from './conformance-fixtures.ts';

export function runStoreConformance(label: string, factory: StoreFactory): void {
  describe(`Store conformance: ${label}`, () => {
    registerCrudCases(factory);
    registerConstraintCases(factory);
    registerPagingCases(factory);
    registerRelationCases(factory);
  });
}

function registerCrudCases(factory: StoreFactory): void {
  describe('crud', () => {
    it('inserts, selects by id and by unique field, and returns copies', async () => {
      const store = await factory();
      const row = serviceRow('orders');
      const inserted = await store.insert('services', row);
      assert.deepEqual(inserted, row);
      const selected = await store.select('services', row.id);
      assert.deepEqual(selected, row);
      selected!.name = 'mutated';
      assert.equal((await store.select('services', row.id))!.name, 'orders');
      assert.deepEqual(await store.selectByUnique('services', 'name', 'orders'), row);
      assert.equal(await store.selectByUnique('services', 'name', 'nope'), null);
      assert.equal(await store.select('services', newUuid()), null);
      await store.close();
    });

    it('updates a row and keeps the unique index in step', async () => {
      const store = await factory();
      const row = serviceRow('before');
      await store.insert('services', row);
      const updated = await store.update('services', row.id, { ...row, name: 'after', port: 8080 });
      assert.equal(updated.name, 'after');
      assert.equal((await store.select('services', row.id))!.port, 8080);
      assert.equal(await store.selectByUnique('services', 'name', 'before'), null);
      assert.equal((await store.selectByUnique('services', 'name', 'after'))!.id, row.id);
      // the old name is free again
      await store.insert('services', serviceRow('before'));
      await store.close();
    });

    it('rejects updating a missing row with code 6', async () => {
      const store = await factory();
      const row = serviceRow('ghost');
      const err = await rejectsWith(store.update('services', row.id, row), ErrorCode.NOT_FOUND,
        `could not find the entity with primary key '{id="${row.id}"}'`);
      assert.deepEqual(err.fields, { id: row.id });
      await store.close();
    });

    it('upserts: inserts when absent, replaces when present', async () => {
      const store = await factory();
      const row = serviceRow('svc', { path: '/a' });
      await store.upsert('services', row);
      await store.upsert('services', { ...row, path: null, host: 'other.test' });
      const stored = await store.select('services', row.id);
      assert.equal(stored!.path, null);
      assert.equal(stored!.host, 'other.test');
      assert.equal((await store.all('services')).length, 1);
      await store.close();
    });

    it('deletes idempotently and bumps the version only on real changes', async () => {
      const store = await factory();
      const row = serviceRow('gone');
      const v0 = store.version();
      await store.insert('services', row);
      const v1 = store.version();
      assert.ok(v1 > v0);
      await store.delete('services', row.id);
      const v2 = store.version();
      assert.ok(v2 > v1);
      assert.equal(await store.select('services', row.id), null);
      await store.delete('services', row.id);
      assert.equal(store.version(), v2);
      await store.close();
    });

    it('returns all rows of a table in primary-key order', async () => {
      const store = await factory();
      const rows = [consumerRow('a'), consumerRow('b'), consumerRow('c'), consumerRow('d')];
      for (const row of rows) await store.insert('consumers', row);
      const all = await store.all('consumers');
      assert.deepEqual(all.map((r) => r.id), rows.map((r) => r.id).sort());
      assert.deepEqual(await store.all('services'), []);
      await store.close();
    });
  });
}

function registerConstraintCases(factory: StoreFactory): void {
  describe('constraints', () => {
    it('rejects a duplicate primary key with code 3', async () => {
      const store = await factory();
      const row = serviceRow('one');
      await store.insert('services', row);
      const err = await rejectsWith(store.insert('services', { ...row, name: 'two' }), ErrorCode.PRIMARY_KEY_VIOLATION,
        `primary key violation on key '{id="${row.id}"}'`);
      assert.deepEqual(err.fields, { id: row.id });
      assert.equal(await store.selectByUnique('services', 'name', 'two'), null);
      await store.close();
    });

    it('rejects a duplicate unique value with code 5 and changes nothing', async () => {
      const store = await factory();
      await store.insert('services', serviceRow('foo'));
      const version = store.version();
      const err = await rejectsWith(store.insert('services', serviceRow('foo')), ErrorCode.UNIQUE_VIOLATION,
        `UNIQUE violation detected on '{name="foo"}'`);
      assert.deepEqual(err.fields, { name: 'foo' });
      assert.equal(err.status, 409);
      assert.equal(store.version(), version);
      assert.equal((await store.all('services')).length, 1);
      await store.close();
    });

    it('lets several rows leave a unique field null', async () => {
      const store = await factory();
      await store.insert('services', serviceRow(null));
      await store.insert('services', serviceRow(null));
      assert.equal((await store.all('services')).length, 2);
      await store.close();
    });

    it('rejects an update that takes another row\'s unique value', async () => {
      const store = await factory();
      await store.insert('consumers', consumerRow('alice'));
      const bob = consumerRow('bob');
      await store.insert('consumers', bob);
      await rejectsWith(store.update('consumers', bob.id, { ...bob, username: 'alice' }), ErrorCode.UNIQUE_VIOLATION,
        `UNIQUE violation detected on '{username="alice"}'`);
      assert.equal((await store.select('consumers', bob.id))!.username, 'bob');
      await store.close();
    });

    it('lets exactly one of two concurrent inserts with the same name win', async () => {
      const store = await factory();
      const results = await Promise.allSettled([
        store.insert('services', serviceRow('race')),
        store.insert('services', serviceRow('race')),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal(rejected.reason.code, ErrorCode.UNIQUE_VIOLATION);
      assert.equal((await store.all('services')).length, 1);
      await store.close();
    });

    it('rejects a dangling foreign key with code 4', async () => {
      const store = await factory();
      const missing = newUuid();
      const err = await rejectsWith(store.insert('routes', routeRow(missing)), ErrorCode.FOREIGN_KEY_VIOLATION,
        `the foreign key '{id="${missing}"}' does not reference an existing 'services' entity.`);
      assert.deepEqual(err.fields, { service: { id: missing } });
      assert.deepEqual(await store.all('routes'), []);
      await store.close();
    });

    it('treats a plugin\'s name and scope as one unique cache key', async () => {
      const store = await factory();
      const service = serviceRow('s');
      await store.insert('services', service);
      await store.insert('plugins', pluginRow('basic-auth', { service: service.id }));
      await store.insert('plugins', pluginRow('basic-auth')); // global: a different key
      const err = await rejectsWith(store.insert('plugins', pluginRow('basic-auth', { service: service.id })), ErrorCode.UNIQUE_VIOLATION,
        `UNIQUE violation detected on '{consumer=null,name="basic-auth",route=null,service={id="${service.id}"}}'`);
      assert.deepEqual(err.fields, { consumer: null, name: 'basic-auth', route: null, service: { id: service.id } });
      await store.close();
    });

    it('rejects the same target twice in one upstream but allows it in another', async () => {
      const store = await factory();
      const first = upstreamRow('u1');
      const second = upstreamRow('u2');
      await store.insert('upstreams', first);
      await store.insert('upstreams', second);
      await store.insert('targets', targetRow(first.id, '10.0.0.1:80'));
      await store.insert('targets', targetRow(second.id, '10.0.0.1:80'));
      await rejectsWith(store.insert('targets', targetRow(first.id, '10.0.0.1:80')), ErrorCode.UNIQUE_VIOLATION);
      await store.close();
    });
  });
}
