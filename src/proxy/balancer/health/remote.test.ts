import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upstreamRow } from '../test-support.ts';
import { HealthTable } from './health-table.ts';
import { HealthMonitor } from './monitor.ts';
import { createRemoteSink, serveHealthMessage, type HealthMessage } from './remote.ts';
import { healthchecks } from './test-support.ts';

// Two "workers" joined by a structured-clone hop, as IPC through the primary would join them:
// worker 0 owns the monitor, worker 1 only has a table and a remote sink.
function twoWorkers() {
  const upstream = upstreamRow({ healthchecks: healthchecks({ passive: { unhealthy: { tcp_failures: 2 } } }) });
  const tables = [new HealthTable(), new HealthTable()];
  const broadcast = (message: HealthMessage): void => {
    for (const table of tables) if (message.type === 'health:transition') table.apply(structuredClone(message.transition));
  };
  const monitor = new HealthMonitor({
    publish: (transition) => broadcast({ type: 'health:transition', transition }),
    targets: () => [{ upstream, addresses: [{ targetId: 't-1', ip: '10.0.0.1', port: 80, hostname: 'a' }] }],
  });
  monitor.sync();
  const sink = createRemoteSink((message) => {
    queueMicrotask(() => serveHealthMessage(monitor, structuredClone(message), (answer) => queueMicrotask(() => sink.receive(structuredClone(answer)))));
  }, 200);
  return { upstream, tables, monitor, sink };
}

test('passive reports from another worker reach the owner, and transitions reach every table', async () => {
  const { upstream, tables, monitor, sink } = twoWorkers();
  const report = { upstreamId: upstream.id, targetId: 't-1', address: '10.0.0.1:80', kind: 'tcp_failure' as const };
  sink.report(report);
  sink.report(report);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(tables.map((t) => t.isHealthy(upstream.id, '10.0.0.1:80')), [false, false]);
  monitor.close();
});

test('an override from another worker resolves once the owner applied it; a silent owner times out', async () => {
  const { upstream, tables, monitor, sink } = twoWorkers();
  await sink.setHealth({ upstreamId: upstream.id, targetId: 't-1', address: null, healthy: false });
  assert.deepEqual(tables.map((t) => t.isHealthy(upstream.id, '10.0.0.1:80')), [false, false]);
  monitor.close();
  const silent = createRemoteSink(() => {}, 30);
  await assert.rejects(silent.setHealth({ upstreamId: 'u', targetId: 't', address: null, healthy: true }), /did not answer/);
});
