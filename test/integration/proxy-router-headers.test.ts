// Header-conditioned routes through the real proxy: Kong matches when any one of several values
// of a repeated request header matches (spec §3.2), which Node's comma-joined view would hide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startUpstream } from '../helpers/loopback-upstream.ts';
import { startProxy, send } from '../helpers/proxy-harness.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';

test('a repeated header matches a route when any one of its values does', async () => {
  const upstream = await startUpstream();
  const svc = service({ host: '127.0.0.1', port: upstream.port });
  const versioned = route({ service: svc, paths: ['/api'], headers: { 'x-version': ['v2'] } });
  const proxy = await startProxy(entitySet({ services: [svc], routes: [versioned] }));
  try {
    assert.equal((await send(proxy.port, '/api', { headers: ['Host', 'api.test', 'X-Version', 'v1', 'X-Version', 'v2'] })).status, 200);
    assert.equal((await send(proxy.port, '/api', { headers: { 'x-version': 'V2' } })).status, 200, 'values compare case-insensitively');
    assert.equal((await send(proxy.port, '/api', { headers: ['Host', 'api.test', 'X-Version', 'v1', 'X-Version', 'v3'] })).status, 404);
    assert.equal((await send(proxy.port, '/api')).status, 404);
  } finally {
    await proxy.close();
    await upstream.close();
  }
});
