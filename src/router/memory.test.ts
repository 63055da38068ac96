// Issue #2: a worker with 10,000 routes must fit in 150 MB, so the compiled router's own
// memory per route is bounded here (each route with its own host gets its own path index).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildRoutes } from './conformance-case.ts';
import { compileRouter } from './index.ts';
import { makeRequest } from './test-fixtures.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

test('10,000 host+path routes compile to under 800 bytes of heap per route and all match', () => {
  const count = 10_000;
  const routes = buildRoutes(Array.from({ length: count }, (_, index) => ({ name: `r${index}`, hosts: [`h${index}.bench.test`], paths: [`/r${index}`] })));
  const before = heapUsed();
  const router = compileRouter(routes);
  const perRoute = (heapUsed() - before) / count;
  assert.ok(perRoute < 800, `${Math.round(perRoute)} bytes per route`);
  for (const index of [0, 4321, count - 1]) {
    assert.equal(router.match(makeRequest({ host: `h${index}.bench.test`, path: `/r${index}/x` }))?.route.name, `r${index}`);
  }
  assert.equal(router.match(makeRequest({ host: 'h1.bench.test', path: '/r2' })), null);
  assert.equal(router.match(makeRequest({ host: 'h1.bench.test', path: '/' })), null);
});
