// Conformance cases for delete semantics (Kong §1.11), transactions and whole-config swaps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../core/errors.ts';
import type { EntitySet } from '../entities/types.ts';
import {
  certificateRow, consumerRow, pluginRow, rejectsWith, routeRow, serviceRow, targetRow, upstreamRow,
} from './conformance-fixtures.ts';
import type { StoreFactory } from './conformance-fixtures.ts';

function entitySet(rows: Record<string, Array<Record<string, unknown>>>): EntitySet {
  const base = {
    services: [], routes: [], consumers: [], plugins: [], upstreams: [], targets: [],
    certificates: [], snis: [], ca_certificates: [],
  };
  return { ...base, ...rows } as unknown as EntitySet;
}

export function registerRelationCases(factory: StoreFactory): void {
  describe('delete semantics', () => {
    it('refuses to delete a service that routes still use (restrict)', async () => {
      const store = await factory();
      const service = serviceRow('busy');
      await store.insert('services', service);
      await store.insert('routes', routeRow(service.id));
      const plugin = pluginRow('key-auth', { service: service.id });
      await store.insert('plugins', plugin);
      const version = store.version();
      const err = await rejectsWith(store.delete('services', service.id), ErrorCode.FOREIGN_KEY_VIOLATION,
        `an existing 'routes' entity references this 'services' entity`);
      assert.deepEqual(err.fields, { '@referenced_by': 'routes' });
      assert.equal(err.status, 400);
      assert.notEqual(await store.select('services', service.id), null);
      assert.notEqual(await store.select('plugins', plugin.id), null, 'a refused delete cascades nothing');
      assert.equal(store.version(), version);
      await store.close();
    });

    it('cascades to plugins of a service, route and consumer, recursively', async () => {
      const store = await factory();
      const service = serviceRow('svc');
      const route = routeRow(service.id);
      const consumer = consumerRow('carol');
      await store.insert('services', service);
      await store.insert('routes', route);
      await store.insert('consumers', consumer);
      const onRoute = pluginRow('cors', { route: route.id });
      const onService = pluginRow('cors', { service: service.id });
      const onConsumer = pluginRow('rate-limiting', { consumer: consumer.id });
      const global = pluginRow('cors');
      for (const plugin of [onRoute, onService, onConsumer, global]) await store.insert('plugins', plugin);
      await store.delete('routes', route.id);
      assert.equal(await store.select('plugins', onRoute.id), null);
      await store.delete('services', service.id);
      assert.equal(await store.select('plugins', onService.id), null);
      await store.delete('consumers', consumer.id);
      assert.equal(await store.select('plugins', onConsumer.id), null);
      assert.deepEqual((await store.all('plugins')).map((p) => p.id), [global.id]);
      await store.close();
    });

    it('cascades upstream deletion to its targets only', async () => {
      const store = await factory();
      const doomed = upstreamRow('doomed');
      const kept = upstreamRow('kept');
      await store.insert('upstreams', doomed);
      await store.insert('upstreams', kept);
      await store.insert('targets', targetRow(doomed.id, 'a.test:8000'));
      await store.insert('targets', targetRow(doomed.id, 'b.test:8000'));
      const survivor = targetRow(kept.id, 'a.test:8000');
      await store.insert('targets', survivor);
      await store.delete('upstreams', doomed.id);
      assert.deepEqual((await store.all('targets')).map((t) => t.id), [survivor.id]);
      await store.close();
    });

    it('refuses to delete a certificate a service uses as client certificate', async () => {
      const store = await factory();
      const certificate = certificateRow();
      await store.insert('certificates', certificate);
      await store.insert('services', serviceRow('mtls', { client_certificate: { id: certificate.id } }));
      const err = await rejectsWith(store.delete('certificates', certificate.id), ErrorCode.FOREIGN_KEY_VIOLATION,
        `an existing 'services' entity references this 'certificates' entity`);
      assert.deepEqual(err.fields, { '@referenced_by': 'services' });
      await store.close();
    });
  });

  describe('transactions', () => {
    it('commits every write at once with a single version bump', async () => {
      const store = await factory();
      const before = store.version();
      const service = serviceRow('tx');
      const result = await store.transaction(async (tx) => {
        await tx.insert('services', service);
        await tx.insert('routes', routeRow(service.id));
        assert.equal(await store.select('services', service.id), null, 'uncommitted writes are invisible outside');
        return 'done';
      });
      assert.equal(result, 'done');
      assert.equal((await store.all('routes')).length, 1);
      assert.equal(store.version(), before + 1);
      await store.close();
    });

    it('changes nothing when the work throws', async () => {
      const store = await factory();
      const existing = serviceRow('existing');
      await store.insert('services', existing);
      const before = store.version();
      await assert.rejects(store.transaction(async (tx) => {
        await tx.insert('services', serviceRow('new-one'));
        await tx.delete('services', existing.id);
        throw new Error('boom');
      }), /boom/);
      assert.deepEqual((await store.all('services')).map((s) => s.id), [existing.id]);
      assert.equal(store.version(), before);
      await store.close();
    });

    it('changes nothing when a write inside violates a constraint', async () => {
      const store = await factory();
      await store.insert('consumers', consumerRow('taken'));
      await rejectsWith(store.transaction(async (tx) => {
        await tx.insert('consumers', consumerRow('fresh'));
        await tx.insert('consumers', consumerRow('taken'));
      }), ErrorCode.UNIQUE_VIOLATION);
      assert.equal(await store.selectByUnique('consumers', 'username', 'fresh'), null);
      await store.close();
    });

    it('serialises concurrent transactions without losing writes', async () => {
      const store = await factory();
      await Promise.all(['a', 'b', 'c', 'd'].map((name) => store.transaction(async (tx) => {
        await tx.insert('consumers', consumerRow(name));
      })));
      assert.equal((await store.all('consumers')).length, 4);
      await store.close();
    });
  });

  describe('replaceAll', () => {
    it('swaps the whole content atomically', async () => {
      const store = await factory();
      const old = serviceRow('old');
      await store.insert('services', old);
      const before = store.version();
      const service = serviceRow('new');
      const route = routeRow(service.id);
      // children before parents: foreign keys are checked against the complete set
      await store.replaceAll(entitySet({ routes: [route], services: [service] }));
      assert.equal(await store.select('services', old.id), null);
      assert.deepEqual(await store.select('routes', route.id), route);
      assert.ok(store.version() > before);
      await store.close();
    });

    it('keeps the old content when the new set is inconsistent', async () => {
      const store = await factory();
      const old = serviceRow('old');
      await store.insert('services', old);
      const before = store.version();
      await rejectsWith(store.replaceAll(entitySet({ routes: [routeRow(old.id)] })), ErrorCode.FOREIGN_KEY_VIOLATION);
      const dup = serviceRow('dup');
      await rejectsWith(store.replaceAll(entitySet({ services: [dup, { ...serviceRow('x'), id: dup.id }] })), ErrorCode.PRIMARY_KEY_VIOLATION);
      assert.deepEqual((await store.all('services')).map((s) => s.id), [old.id]);
      assert.equal(store.version(), before);
      await store.close();
    });
  });
}
