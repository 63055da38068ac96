// Issue #2: memory of the primary and a worker with 10,000 routes. The primary must not keep the
// parsed kong.yml, and a worker must not keep the configurations it replaced.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'undici';
import { startGatewayProcess, workerPids, type GatewayProcess } from '../helpers/gateway-process.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';

const ROUTES = 10_000;
const MB = 1024 * 1024;
/** V8 starts its memory reducer 8 s after the last GC-heavy activity (--gc-memory-reducer-start-delay-ms). */
const IDLE_MS = 11_000;

let upstream: Upstream;
let upstreamPort = 0;

before(async () => {
  upstream = await startUpstream();
  upstreamPort = upstream.port;
});
after(() => upstream.close());

/** ROUTES routes with their own host and path; `generation` changes every path. */
function kongYml(generation: number): string {
  const lines = ['_format_version: "3.0"', 'services:', '  - name: echo', `    url: http://127.0.0.1:${upstreamPort}`, '    routes:'];
  for (let index = 0; index < ROUTES; index++) {
    lines.push(`      - name: r${index}`, `        hosts: ["h${index}.test"]`, `        paths: ["/g${generation}/r${index}"]`);
  }
  return `${lines.join('\n')}\n`;
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  return Number.parseInt(line!.split(/\s+/)[1]!, 10) * 1024;
}

async function idleRss(pid: number): Promise<number> {
  await new Promise((r) => setTimeout(r, IDLE_MS));
  return rssBytes(pid);
}

async function status(gateway: GatewayProcess, host: string, path: string): Promise<number> {
  const response = await request(`${gateway.proxyUrl}${path}`, { headers: { host } });
  await response.body.arrayBuffer();
  return response.statusCode;
}

async function reloadTo(gateway: GatewayProcess, generation: number): Promise<void> {
  writeFileSync(gateway.configFile, kongYml(generation));
  gateway.child.kill('SIGHUP');
  const deadline = Date.now() + 30_000;
  while (await status(gateway, 'h9999.test', `/g${generation}/r9999`) !== 200) {
    assert.ok(Date.now() < deadline, `generation ${generation} was not applied`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('10,000 routes: the primary drops the parsed file and a worker does not grow with reloads', { skip: process.platform !== 'linux' }, async () => {
  const gateway = await startGatewayProcess({ kongYml: kongYml(0), workers: 1 });
  try {
    assert.equal(await status(gateway, 'h42.test', '/g0/r42'), 200);
    assert.equal(await status(gateway, 'h42.test', '/g0/r43'), 404);
    const [worker] = await workerPids(gateway.child.pid!);
    assert.ok(worker !== undefined);
    // Measured: ~320 MB while the parsed file stayed referenced, ~110 MB without it (plus the
    // TypeScript stripper when the test runs without a compile cache).
    const primary = rssBytes(gateway.child.pid!);
    assert.ok(primary < 200 * MB, `primary RSS ${Math.round(primary / MB)} MB`);

    await reloadTo(gateway, 1);
    await reloadTo(gateway, 2);
    assert.equal(await status(gateway, 'h42.test', '/g0/r42'), 404, 'the old paths are gone');
    // A replaced configuration (store, snapshot, the entity set the worker booted with) must not
    // stay referenced: every config kept alive would add ~25 MB at this size. Right after a
    // reload the old one is still garbage in committed pages; V8's memory reducer compacts an
    // idle worker some seconds later (a forced GC in the worker would cost CPU per request).
    const settled = await idleRss(worker);
    await reloadTo(gateway, 3);
    await reloadTo(gateway, 4);
    // When V8 compacts depends on how busy the machine is (the suite runs files in parallel), and
    // one replaced configuration may still sit in uncompacted pages (~25 MB, seen once in CI):
    // wait for compaction up to a bound and allow less than two configurations' worth. Keeping
    // every replaced configuration (the leak this guards against) adds ~50 MB over two reloads.
    const limit = 40 * MB;
    let later = await idleRss(worker);
    const deadline = Date.now() + 30_000;
    while (later - settled >= limit && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      later = rssBytes(worker);
    }
    assert.ok(later - settled < limit, `worker RSS ${Math.round(settled / MB)} → ${Math.round(later / MB)} MB over two more reloads`);
    assert.ok(rssBytes(gateway.child.pid!) < 200 * MB, 'the primary drops each reloaded file too');
  } finally {
    await gateway.stop();
  }
});
