import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, KongError } from '../../core/errors.ts';
import { newUuid } from '../../core/ids.ts';
import type { EntitySet } from '../../entities/types.ts';
import { runStoreConformance } from '../conformance.ts';
import { consumerRow, rejectsWith, serviceRow } from '../conformance-fixtures.ts';
import { createMemoryStore } from './index.ts';
import { decodeOffset, encodeOffset } from './paging.ts';
import type { RelationSource } from './relations.ts';

runStoreConformance('memory', async () => createMemoryStore());

// A small schema of plain tables to exercise behaviours the core entities do not use.
const relations: Record<string, RelationSource> = {
  teams: { uniqueFields: ['name'], foreignKeys: [], cacheKey: null },
  members: {
    uniqueFields: [],
    foreignKeys: [{ field: 'team', reference: 'teams', onDelete: 'null' }],
    cacheKey: null,
  },
  badges: {
    uniqueFields: [],
    foreignKeys: [{ field: 'member', reference: 'members', onDelete: 'cascade' }],
    cacheKey: ['member', 'label'],
  },
};

describe('memory store specifics', () => {
  it('sets foreign keys to null when the relation says so', async () => {
    const store = createMemoryStore(undefined, { relations });
    const team = { id: newUuid(), name: 'core' };
    const member = { id: newUuid(), team: { id: team.id } };
    await store.insert('teams', team);
    await store.insert('members', member);
    await store.delete('teams', team.id);
    assert.deepEqual(await store.select('members', member.id), { id: member.id, team: null });
    await store.close();
  });

  it('cascades through several levels and enforces composite keys on plain tables', async () => {
    const store = createMemoryStore(undefined, { relations });
    const member = { id: newUuid(), team: null };
    await store.insert('members', member);
    await store.insert('badges', { id: newUuid(), member: { id: member.id }, label: 'gold' });
    const err = await rejectsWith(store.insert('badges', { id: newUuid(), member: { id: member.id }, label: 'gold' }), ErrorCode.UNIQUE_VIOLATION);
    assert.deepEqual(err.fields, { member: { id: member.id }, label: 'gold' });
    await store.delete('members', member.id);
    assert.deepEqual(await store.all('badges'), []);
    await store.close();
  });

  it('treats unknown tables as plain: primary key only', async () => {
    const store = createMemoryStore(undefined, { relations });
    const id = newUuid();
    await store.insert('anything', { id, ref: { id: newUuid() } });
    await rejectsWith(store.insert('anything', { id }), ErrorCode.PRIMARY_KEY_VIOLATION);
    await store.delete('anything', id);
    assert.deepEqual(await store.all('anything'), []);
    await store.close();
  });

  it('starts from an initial entity set and validates it', () => {
    const service = serviceRow('seed');
    const initial = { services: [service], routes: [], consumers: [], plugins: [], upstreams: [], targets: [], certificates: [], snis: [], ca_certificates: [] } as unknown as EntitySet;
    const store = createMemoryStore(initial);
    assert.equal(store.kind, 'memory');
    assert.equal(store.version(), 0);
    return store.select('services', service.id).then((row) => assert.deepEqual(row, service));
  });

  it('rejects an inconsistent initial set', () => {
    const dangling = { ...consumerRow('x') };
    const initial = { plugins: [{ id: newUuid(), name: 'cors', consumer: { id: dangling.id }, route: null, service: null }] } as unknown as EntitySet;
    assert.throws(() => createMemoryStore(initial), (err: unknown) => err instanceof KongError && err.code === ErrorCode.FOREIGN_KEY_VIOLATION);
  });

  it('refuses writes through a transaction handle after the transaction ended', async () => {
    const store = createMemoryStore();
    let leaked: Parameters<Parameters<typeof store.transaction>[0]>[0] | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await rejectsWith(leaked!.insert('consumers', consumerRow('late')), ErrorCode.DATABASE_ERROR);
    assert.deepEqual(await store.all('consumers'), []);
  });

  it('includes writes a transaction started without awaiting', async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      void tx.insert('consumers', consumerRow('fire-and-forget'));
    });
    assert.notEqual(await store.selectByUnique('consumers', 'username', 'fire-and-forget'), null);
  });

  it('hides rows whose ttl has passed, reports the remaining seconds and frees their unique values', async () => {
    let now = 1000;
    const store = createMemoryStore(undefined, { relations, now: () => now });
    const team = { id: newUuid(), name: 'temp', ttl: 10 };
    const inserted = await store.insert('teams', team);
    assert.equal(inserted.ttl, 10);
    now += 3.5;
    assert.equal((await store.select('teams', team.id))!.ttl, 6);
    assert.equal((await store.selectByUnique('teams', 'name', 'temp'))!.id, team.id);
    // an update without ttl keeps the expiry
    await store.update('teams', team.id, { id: team.id, name: 'temp' });
    assert.equal((await store.select('teams', team.id))!.ttl, 6);
    const permanent = { id: newUuid(), name: 'forever', ttl: 0 };
    await store.insert('teams', permanent);
    assert.equal((await store.select('teams', permanent.id))!.ttl, undefined);
    now += 7;
    assert.equal(await store.select('teams', team.id), null);
    assert.equal(await store.selectByUnique('teams', 'name', 'temp'), null);
    assert.deepEqual((await store.all('teams')).map((t) => t.id), [permanent.id]);
    assert.deepEqual((await store.page('teams')).data.map((t) => t.id), [permanent.id]);
    await rejectsWith(store.update('teams', team.id, { id: team.id, name: 'x' }), ErrorCode.NOT_FOUND);
    await store.insert('teams', { id: newUuid(), name: 'temp' });
    assert.equal((await store.all('teams')).length, 2);
  });

  it('encodes offsets as unpadded url-safe base64 of a JSON array', () => {
    const id = newUuid();
    const token = encodeOffset(id);
    assert.equal(Buffer.from(token, 'base64url').toString(), JSON.stringify([id]));
    assert.doesNotMatch(token, /[=+/]/);
    assert.equal(decodeOffset(token), id);
    assert.throws(() => decodeOffset('a'), /'a' is not a valid offset: bad base64 encoding/);
    assert.throws(() => decodeOffset(Buffer.from('{"x":1}').toString('base64url')), /is not a valid offset: bad json encoding/);
  });
});
