// The Admin API over the real persistent stores (embedded SQLite, and the Postgres server):
// every bad request gets Kong's error and nothing is stored; odd but valid input round-trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, startHarness, type Harness } from '../../src/admin/testing/harness.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { createPostgresStore } from '../../src/store/postgres/index.ts';
import { createTestSchema } from '../../src/store/postgres/test-database.ts';
import type { Store } from '../../src/store/types.ts';

async function countServices(harness: Harness): Promise<number> {
  return (await call(harness.url, 'GET', '/services')).body.data.length;
}

function suite(label: string, open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>): void {
  test(`${label}: bad input gets Kong's errors and stores nothing`, async () => {
    const { store, cleanup } = await open();
    const harness = await startHarness({ database: label === 'sqlite' ? 'sqlite' : 'postgres', store });
    try {
      const malformed = await call(harness.url, 'POST', '/services', { body: '{"name": "a", ', headers: { 'content-type': 'application/json' } });
      assert.deepEqual([malformed.status, malformed.body], [400, { message: 'Cannot parse JSON body' }]);

      const wrongType = await call(harness.url, 'POST', '/services', { json: { name: 'a', host: 'a.test', port: 'eighty' } });
      assert.equal(wrongType.status, 400);
      assert.deepEqual(wrongType.body, { code: 2, name: 'schema violation', message: 'schema violation (port: expected an integer)', fields: { port: 'expected an integer' } });

      const unknown = await call(harness.url, 'POST', '/services', { json: { name: 'a', host: 'a.test', colour: 'blue' } });
      assert.equal(unknown.status, 400);
      assert.deepEqual(unknown.body.fields, { colour: 'unknown field' });

      const huge = await call(harness.url, 'POST', '/services', { json: { name: 'a', host: 'a.test', tags: ['x'.repeat(11 * 1024 * 1024)] } });
      assert.equal(huge.status, 413);

      const badUnicodeName = await call(harness.url, 'POST', '/services', { json: { name: 'bad name!', host: 'a.test' } });
      assert.equal(badUnicodeName.status, 400);
      assert.match(badUnicodeName.body.message, /the only accepted ascii characters/);

      const wrongContentType = await call(harness.url, 'POST', '/services', { body: 'name=a', headers: { 'content-type': 'text/csv' } });
      assert.equal(wrongContentType.status, 415);
      assert.equal(await countServices(harness), 0, 'nothing was stored by any bad request');

      // Valid but tricky values are stored and read back unchanged.
      const sqlish = "x'; DROP TABLE services; --";
      const tricky = await call(harness.url, 'POST', '/services', { json: { name: 'ünï-çødé~1', host: 'a.test', tags: [sqlish, 'tag with spaces', '标签'] } });
      assert.equal(tricky.status, 201, JSON.stringify(tricky.body));
      const read = await call(harness.url, 'GET', `/services/${encodeURIComponent('ünï-çødé~1')}`);
      assert.deepEqual(read.body.tags, [sqlish, 'tag with spaces', '标签']);
      assert.equal((await call(harness.url, 'GET', `/services?tags=${encodeURIComponent('标签')}`)).body.data.length, 1);

      // Constraint failures: duplicate name (409), dangling foreign key (400 code 4), restrict delete.
      const duplicate = await call(harness.url, 'POST', '/services', { json: { name: 'ünï-çødé~1', host: 'b.test' } });
      assert.equal(duplicate.status, 409);
      assert.equal(duplicate.body.code, 5);
      const dangling = await call(harness.url, 'POST', '/routes', { json: { paths: ['/x'], service: { id: '6f9619ff-8b86-4011-b42d-00c04fc964ff' } } });
      assert.equal(dangling.status, 400);
      assert.equal(dangling.body.code, 4);
      assert.equal((await call(harness.url, 'POST', `/services/${read.body.id}/routes`, { json: { paths: ['/y'] } })).status, 201);
      const restricted = await call(harness.url, 'DELETE', `/services/${read.body.id}`);
      assert.equal(restricted.status, 400);
      assert.deepEqual(restricted.body.fields, { '@referenced_by': 'routes' });
      assert.equal(await countServices(harness), 1);
      assert.equal((await call(harness.url, 'GET', '/routes')).body.data.length, 1);
    } finally {
      await harness.close();
      await store.close();
      await cleanup();
    }
  });
}

suite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-admin-sqlite-'));
  const store = await createSqliteStore({ path: join(dir, 'portico.db') });
  return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

suite('postgres', async () => {
  const schema = await createTestSchema('admin');
  const store = await createPostgresStore(schema.options);
  return { store, cleanup: () => schema.drop() };
});
