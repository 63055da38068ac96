// A single-worker node keeps rate-limiting counters in the worker itself (no IPC round trip per
// request): the limit must stay exact under parallel clients all the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startGatewayProcess, freshStatus } from '../helpers/gateway-process.ts';

test('local rate limiting on a one-worker node admits exactly the limit', async () => {
  const upstream = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as { port: number }).port;
  const kongYml = `_format_version: "3.0"
services:
  - name: s
    url: http://127.0.0.1:${port}
    routes:
      - paths: ["/"]
plugins:
  - name: rate-limiting
    config: { hour: 12, policy: local, limit_by: service }
`;
  const gateway = await startGatewayProcess({ kongYml, workers: 1 });
  try {
    const statuses = await Promise.all(Array.from({ length: 40 }, () => freshStatus(gateway, '/')));
    assert.equal(statuses.filter((status) => status === 200).length, 12);
    assert.equal(statuses.filter((status) => status === 429).length, 28);
  } finally {
    await gateway.stop();
    upstream.close();
  }
});
