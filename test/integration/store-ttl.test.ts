// Rows written with a `ttl` (Kong's ttl entities: key-auth credentials, oauth2 tokens) on both
// persistent adapters, with the same observable behaviour as the memory reference: hidden once
// expired, remaining whole seconds as `ttl`, expiry kept by an update without ttl, unique values
// freed by expiry.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrorCode } from '../../src/core/errors.ts';
import { newUuid } from '../../src/core/ids.ts';
import { rejectsWith } from '../../src/store/conformance-fixtures.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { createPostgresStore } from '../../src/store/postgres/index.ts';
import { createTestSchema } from '../../src/store/postgres/test-database.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/types.ts';

const relations = {
  teams: { uniqueFields: ['name'], foreignKeys: [], cacheKey: null },
  members: { uniqueFields: [], foreignKeys: [{ field: 'team', reference: 'teams', onDelete: 'cascade' as const }], cacheKey: null },
};
const dir = mkdtempSync(join(tmpdir(), 'portico-ttl-'));
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

type Opener = (now: () => number) => Promise<Store>;
const adapters: Array<[string, Opener]> = [
  ['memory', async (now) => createMemoryStore(undefined, { relations, now })],
  ['sqlite', (now) => createSqliteStore({ path: join(dir, `ttl-${newUuid()}.db`), relations, now })],
  ['postgres', async (now) => {
    const schema = await createTestSchema('portico_ttl', { relations });
    cleanups.push(() => schema.drop());
    return createPostgresStore({ ...schema.options, now });
  }],
];

for (const [label, open] of adapters) {
  describe(`${label}: rows with a ttl`, () => {
    it('hides expired rows, reports the remaining seconds and frees their unique values', async () => {
      let now = 1000;
      const store = await open(() => now);
      const team = { id: newUuid(), name: 'temp', ttl: 10 };
      assert.equal((await store.insert('teams', team)).ttl, 10);
      now += 3.5;
      assert.equal((await store.select('teams', team.id))!.ttl, 6);
      assert.equal((await store.selectByUnique('teams', 'name', 'temp'))!.ttl, 6);
      // an update without ttl keeps the expiry
      assert.equal((await store.update('teams', team.id, { id: team.id, name: 'temp' })).ttl, 6);
      assert.equal((await store.select('teams', team.id))!.ttl, 6);
      const permanent = { id: newUuid(), name: 'forever', ttl: 0 };
      const stored = await store.insert('teams', permanent);
      assert.equal(stored.ttl, undefined);
      assert.deepEqual(await store.select('teams', permanent.id), { id: permanent.id, name: 'forever' });
      now += 7;
      assert.equal(await store.select('teams', team.id), null);
      assert.equal(await store.selectByUnique('teams', 'name', 'temp'), null);
      assert.deepEqual((await store.all('teams')).map((t) => t.id), [permanent.id]);
      assert.deepEqual((await store.page('teams')).data.map((t) => t.id), [permanent.id]);
      await rejectsWith(store.update('teams', team.id, { id: team.id, name: 'x' }), ErrorCode.NOT_FOUND);
      await store.insert('teams', { id: newUuid(), name: 'temp' });
      assert.equal((await store.all('teams')).length, 2);
      await store.close();
    });

    it('lets an upsert without ttl make a row permanent, and cascades when an expired parent is purged', async () => {
      let now = 5000;
      const store = await open(() => now);
      const team = { id: newUuid(), name: 'short', ttl: 5 };
      await store.insert('teams', team);
      const member = { id: newUuid(), team: { id: team.id } };
      await store.insert('members', member);
      const lasting = { id: newUuid(), name: 'lasting', ttl: 5 };
      await store.insert('teams', lasting);
      await store.upsert('teams', { id: lasting.id, name: 'lasting' });
      now += 6;
      assert.deepEqual((await store.all('teams')).map((t) => t.name), ['lasting']);
      // the next write purges the expired team, and its member with it
      await store.insert('teams', { id: newUuid(), name: 'short' });
      assert.deepEqual(await store.select('members', member.id), null);
      await store.close();
    });
  });
}
