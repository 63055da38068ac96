// Prometheus on a real two-worker node: requests land on whichever worker the kernel picks, and a
// scrape of /metrics (Status API and Admin API) must show the node-wide totals, parsed with a
// real Prometheus text-format parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { request } from 'node:http';
import { startGatewayProcess } from '../helpers/gateway-process.ts';
import { startUpstream } from '../helpers/loopback-upstream.ts';

interface Family { name: string; type: string; metrics: Array<{ labels?: Record<string, string>; value?: string; buckets?: Record<string, string> }> }
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

function get(url: string): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    // A fresh connection per request, so the kernel spreads them over the workers.
    const req = request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      res.on('end', () => resolve({ status: res.statusCode!, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('GET /metrics sums every worker of the node on the Status and Admin APIs', async () => {
  const upstream = await startUpstream();
  const kongYml = `_format_version: "3.0"
services:
  - name: metered
    url: http://127.0.0.1:${upstream.port}
    routes:
      - name: metered-route
        paths: ["/m"]
upstreams:
  - name: pool
    targets:
      - target: 127.0.0.1:${upstream.port}
plugins:
  - name: prometheus
    config: { status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true, upstream_health_metrics: true }
`;
  const gateway = await startGatewayProcess({ kongYml, workers: 2 });
  try {
    const total = 24;
    for (let i = 0; i < total; i++) assert.equal((await get(`${gateway.proxyUrl}/m/${i}`)).status, 200);
    assert.equal((await get(`${gateway.proxyUrl}/unrouted`)).status, 404);
    // The log phase runs after the response: give the last request a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));

    for (const base of [gateway.statusUrl, gateway.adminUrl]) {
      const page = await get(`${base}/metrics`);
      assert.equal(page.status, 200);
      assert.equal(page.type, 'text/plain; charset=UTF-8');
      const families = new Map(parsePrometheus(page.body).map((family) => [family.name, family]));
      const requests = families.get('kong_http_requests_total')!.metrics;
      assert.deepEqual(requests.map((metric) => [metric.labels!.service, metric.labels!.route, metric.labels!.code, metric.value]), [['metered', 'metered-route', '200', String(total)]]);
      assert.equal(families.get('kong_request_latency_ms')!.metrics[0]!.buckets!['+Inf'], String(total));
      // One memory series per worker: both workers answered the scrape.
      assert.equal(families.get('kong_memory_workers_lua_vms_bytes')!.metrics.length, 2);
      assert.equal(families.get('kong_datastore_reachable')!.metrics[0]!.value, '1');
      // nginx-wide counters are the proxy's, summed over both workers (not the scraped API server's).
      assert.equal(families.get('kong_nginx_requests_total')!.metrics[0]!.value, String(total + 1));
      const accepted = families.get('kong_nginx_connections_total')!.metrics.find((metric) => metric.labels!.state === 'accepted');
      assert.ok(Number(accepted!.value) >= 1, 'proxy connections are counted');
      // /status reports the same node-wide proxy counters under `server`.
      const status = JSON.parse((await get(`${base}/status`)).body) as { server: { total_requests: number } };
      assert.equal(status.server.total_requests, total + 1);
      // No health checks configured on the upstream: Kong's healthchecks_off state is the one set.
      const health = families.get('kong_upstream_target_health')!.metrics;
      const set = health.filter((metric) => metric.value === '1').map((metric) => [metric.labels!.upstream, metric.labels!.target, metric.labels!.state]);
      assert.deepEqual(set, [['pool', `127.0.0.1:${upstream.port}`, 'healthchecks_off']]);
      assert.equal(health.length, 4);
    }
  } finally {
    await gateway.stop();
    await upstream.close();
  }
});
