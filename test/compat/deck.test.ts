// decK's request sequence against a real node on the embedded database (spec/ecosystem.md §3.5):
// probe `/`, dump every list with size=1000 (and tags), read schemas for defaults, treat 404 on
// optional endpoints as "absent", apply the diff with full-object PUTs by id and DELETEs, then dump
// again and get back exactly what was applied (plus defaults).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';

async function api(gateway: GatewayProcess, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gateway.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** decK's dump: follow `offset` until the last page. */
async function dump(gateway: GatewayProcess, path: string, tags?: string): Promise<any[]> {
  const rows: any[] = [];
  let next = `${path}?size=1000${tags ? `&tags=${tags}` : ''}`;
  for (;;) {
    const page = await api(gateway, 'GET', next);
    assert.equal(page.status, 200, `${next}: ${JSON.stringify(page.body)}`);
    rows.push(...page.body.data);
    if (!page.body.offset) return rows;
    next = `${path}?size=1000&offset=${encodeURIComponent(page.body.offset)}${tags ? `&tags=${tags}` : ''}`;
  }
}

test('decK sync and dump round trip', async () => {
  const gateway = await startGatewayProcess({ env: { KONG_DATABASE: 'sqlite' } });
  try {
    const root = await api(gateway, 'GET', '/');
    const [major] = String(root.body.version).split('.').map(Number);
    assert.ok(major! >= 3, 'decK needs a 3.x version to accept _format_version 3.0');
    assert.equal(root.body.edition, 'community');
    assert.equal(root.body.configuration.database, 'sqlite');

    for (const path of ['/services', '/routes', '/plugins', '/consumers', '/upstreams', '/certificates', '/ca_certificates', '/snis']) {
      assert.deepEqual(await dump(gateway, path), [], `${path} starts empty`);
    }
    for (const optional of ['/consumer_groups', '/partials', '/workspaces/default', '/licenses']) {
      const status = (await api(gateway, 'GET', optional)).status;
      assert.ok(status === 404 || status === 403, `${optional} → ${status} (decK skips it)`);
    }
    for (const entity of ['services', 'routes', 'consumers', 'upstreams', 'targets', 'certificates', 'snis', 'ca_certificates', 'plugins']) {
      const schema = await api(gateway, 'GET', `/schemas/${entity}`);
      assert.equal(schema.status, 200, entity);
      assert.ok(Array.isArray(schema.body.fields), `${entity} schema has fields`);
    }
    const validation = await api(gateway, 'POST', '/schemas/services/validate', { host: 'a.test' });
    assert.deepEqual(validation, { status: 200, body: { message: 'schema validation successful' } });
    const invalid = await api(gateway, 'POST', '/schemas/services/validate', { host: 'a.test', port: 70000 });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.name, 'schema violation');

    // Apply: decK assigns ids and PUTs full objects, parents first.
    const serviceId = randomUUID();
    const routeId = randomUUID();
    const upstreamId = randomUUID();
    const targetId = randomUUID();
    const consumerId = randomUUID();
    const service = { id: serviceId, name: 'orders', protocol: 'http', host: 'orders.test', port: 8080, path: '/v1', retries: 3, connect_timeout: 60000, read_timeout: 60000, write_timeout: 60000, tags: ['deck', 'team-a'], enabled: true };
    const route = { id: routeId, name: 'orders-api', protocols: ['http', 'https'], paths: ['/orders'], strip_path: true, preserve_host: false, regex_priority: 0, https_redirect_status_code: 426, path_handling: 'v0', request_buffering: true, response_buffering: true, service: { id: serviceId }, tags: ['deck'] };
    assert.equal((await api(gateway, 'PUT', `/services/${serviceId}`, service)).status, 200);
    assert.equal((await api(gateway, 'PUT', `/routes/${routeId}`, route)).status, 200);
    assert.equal((await api(gateway, 'PUT', `/consumers/${consumerId}`, { id: consumerId, username: 'alice', custom_id: 'c-1', tags: ['deck'] })).status, 200);
    assert.equal((await api(gateway, 'PUT', `/upstreams/${upstreamId}`, { id: upstreamId, name: 'orders-up', algorithm: 'round-robin', slots: 10000, tags: ['deck'] })).status, 200);
    // Kong's custom target endpoint answers PUT on an unknown target with 404, so go-kong creates
    // targets with POST carrying the id; later syncs PUT (update) them.
    assert.equal((await api(gateway, 'PUT', `/upstreams/${upstreamId}/targets/${targetId}`, { target: '10.0.0.5:8080' })).status, 404);
    const postTarget = await api(gateway, 'POST', `/upstreams/${upstreamId}/targets`, { id: targetId, target: '10.0.0.5:8080', weight: 40, tags: ['deck'] });
    assert.equal(postTarget.status, 201, JSON.stringify(postTarget.body));
    const putTarget = await api(gateway, 'PUT', `/upstreams/${upstreamId}/targets/${targetId}`, { id: targetId, target: '10.0.0.5:8080', weight: 50, tags: ['deck'] });
    assert.equal(putTarget.status, 200, JSON.stringify(putTarget.body));

    // Dump again, filtered by decK's select tag: everything comes back as applied, defaults filled.
    const services = await dump(gateway, '/services', 'deck');
    assert.equal(services.length, 1);
    for (const [key, value] of Object.entries(service)) assert.deepEqual(services[0][key], value, `service.${key}`);
    assert.equal(services[0].client_certificate, null, 'unset fields are null, as decK expects');
    const routes = await dump(gateway, '/routes', 'deck');
    for (const [key, value] of Object.entries(route)) assert.deepEqual(routes[0][key], value, `route.${key}`);
    assert.equal(routes[0].hosts, null);
    const targets = await dump(gateway, `/upstreams/${upstreamId}/targets`);
    assert.equal(targets.length, 1);
    assert.equal(targets[0].id, targetId);
    assert.equal(targets[0].weight, 50);
    assert.deepEqual(targets[0].upstream, { id: upstreamId });
    assert.equal((await dump(gateway, '/services', 'team-a,deck')).length, 1, 'AND of tags');
    assert.equal((await dump(gateway, '/services', 'nope')).length, 0);

    // A second sync that changes a field replaces the whole object (omitted fields go back to defaults).
    const { path: _dropped, ...withoutPath } = service;
    assert.equal((await api(gateway, 'PUT', `/services/${serviceId}`, { ...withoutPath, retries: 1 })).status, 200);
    const updated = (await dump(gateway, '/services'))[0];
    assert.equal(updated.retries, 1);
    assert.equal(updated.path, null, 'PUT replaced the whole entity');

    // Deletes, children first, are idempotent.
    assert.equal((await api(gateway, 'DELETE', `/upstreams/${upstreamId}/targets/${targetId}`)).status, 204);
    assert.equal((await api(gateway, 'DELETE', `/routes/${routeId}`)).status, 204);
    assert.equal((await api(gateway, 'DELETE', `/services/${serviceId}`)).status, 204);
    assert.equal((await api(gateway, 'DELETE', `/services/${serviceId}`)).status, 204, 'deleting again is fine');
    assert.equal((await api(gateway, 'DELETE', `/upstreams/${upstreamId}`)).status, 204);
    assert.equal((await api(gateway, 'DELETE', `/consumers/${consumerId}`)).status, 204);
    for (const path of ['/services', '/routes', '/consumers', '/upstreams']) assert.deepEqual(await dump(gateway, path), []);
  } finally {
    await gateway.stop();
  }
});
