import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { parseBenchOptions } from '../bench/options.ts';
import { errorLine, expandTargetCommand, porticoEnvironment } from '../bench/portico.ts';
import { manyRoutesConfig, manyRoutesLuaScript, passthroughConfig, routeForRequest, SCENARIOS } from '../bench/scenarios.ts';

test('defaults follow the method: 5 s warm-up, 3 runs of 10 s, 50 connections, all scenarios, docs written', () => {
  const options = parseBenchOptions([], '/repo/docs/benchmarks.md');
  assert.deepEqual(options.scenarios, ['passthrough', 'routes-10k', 'large-body', 'plugins', 'ai', 'https', 'http2']);
  assert.match(options.portkeyDir, /portkey-bench$/);
  assert.equal(options.warmupSeconds, 5);
  assert.equal(options.durationSeconds, 10);
  assert.equal(options.runs, 3);
  assert.equal(options.connections, 50);
  assert.equal(options.docsPath, '/repo/docs/benchmarks.md');
  assert.equal(options.targetName, 'portico');
  assert.equal(options.includeSubject, true);
  assert.equal(options.quietWaitMs, 30_000);
  assert.equal(options.quietMaxShare, 0.1);
  assert.equal(options.maxForeignShare, 0.15);
});

test('every measured run is preceded by a 2 s re-warm unless --rewarm says otherwise (none in --quick)', () => {
  assert.equal(parseBenchOptions([], '/d.md').rewarmSeconds, 2);
  assert.equal(parseBenchOptions(['--rewarm', '3'], '/d.md').rewarmSeconds, 3);
  assert.equal(parseBenchOptions(['--rewarm', '0'], '/d.md').rewarmSeconds, 0);
  assert.equal(parseBenchOptions(['--quick'], '/d.md').rewarmSeconds, 0);
  assert.throws(() => parseBenchOptions(['--rewarm', '1.5'], '/d.md'), /--rewarm must be a whole number/);
});

test('--quiet-wait 0 turns the idle-CPU gate off; --quiet-busy is a percentage', () => {
  const options = parseBenchOptions(['--quiet-wait', '0', '--quiet-busy', '25'], '/d.md');
  assert.equal(options.quietWaitMs, 0);
  assert.equal(options.quietMaxShare, 0.25);
  assert.throws(() => parseBenchOptions(['--quiet-wait=-1'], '/d.md'), /--quiet-wait must be a positive number/);
});

test('--quick shortens everything and does not overwrite the docs unless asked', () => {
  const quick = parseBenchOptions(['--quick'], '/d.md');
  assert.deepEqual([quick.warmupSeconds, quick.durationSeconds, quick.runs, quick.docsPath], [1, 2, 1, null]);
  assert.equal(parseBenchOptions(['--quick', '--docs', '/x.md'], '/d.md').docsPath, '/x.md');
  assert.equal(parseBenchOptions(['--quick', '--duration', '4'], '/d.md').durationSeconds, 4);
});

test('--scenario accepts lists and repeats, keeps the canonical order, rejects unknown names', () => {
  const options = parseBenchOptions(['--scenario', 'large-body,passthrough', '--scenario', 'large-body'], '/d.md');
  assert.deepEqual(options.scenarios, ['passthrough', 'large-body']);
  assert.throws(() => parseBenchOptions(['--scenario', 'routes-1m'], '/d.md'), /unknown scenario 'routes-1m'/);
});

test('numeric flags must be positive whole numbers', () => {
  assert.throws(() => parseBenchOptions(['--runs', '0'], '/d.md'), /--runs must be a positive number/);
  assert.throws(() => parseBenchOptions(['--duration', '2.5'], '/d.md'), /--duration must be a whole number/);
  assert.throws(() => parseBenchOptions(['--bogus'], '/d.md'), /Unknown option/);
});

test('--target-cmd names the subject "target" unless --target-name says otherwise', () => {
  assert.equal(parseBenchOptions(['--target-cmd', 'x {port}'], '/d.md').targetName, 'target');
  assert.equal(parseBenchOptions(['--target-cmd', 'x', '--target-name', 'haproxy'], '/d.md').targetName, 'haproxy');
});

test('expandTargetCommand fills placeholders and rejects unknown ones', () => {
  assert.equal(expandTargetCommand('proxy -l {port} -u {upstream_port}', { port: 1, upstream_port: 2 }), 'proxy -l 1 -u 2');
  assert.throws(() => expandTargetCommand('proxy {porrt}', { port: 1 }), /unknown placeholder \{porrt\}/);
});

test('errorLine picks the error out of a crashed Node process output', () => {
  const crash = [
    'node:internal/modules/esm/resolve:272',
    '    throw new ERR_MODULE_NOT_FOUND(',
    '          ^',
    '',
    "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/a.ts' imported from /x/b.ts",
    '    at finalizeResolution (node:internal/modules/esm/resolve:272:11)',
  ].join('\n');
  assert.equal(errorLine(crash), "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/a.ts' imported from /x/b.ts");
  assert.equal(errorLine('listening failed\nbye\n'), 'bye');
  assert.equal(errorLine(''), 'no output');
});

test('Portico runs DB-less, loopback-only, with one worker', () => {
  const env = porticoEnvironment('/p', '/p/kong.yml', 9000, 9001);
  assert.equal(env.KONG_DATABASE, 'off');
  assert.equal(env.KONG_DECLARATIVE_CONFIG, '/p/kong.yml');
  assert.equal(env.KONG_PROXY_LISTEN, '127.0.0.1:9000');
  assert.equal(env.KONG_ADMIN_LISTEN, '127.0.0.1:9001');
  assert.equal(env.KONG_STATUS_LISTEN, 'off');
  assert.equal(env.KONG_NGINX_WORKER_PROCESSES, '1');
  assert.equal(env.KONG_PREFIX, '/p');
});

test('routes config has distinct paths and hosts for every route, all to one service', () => {
  const config = parse(manyRoutesConfig(4321, 50));
  assert.equal(config._format_version, '3.0');
  assert.equal(config.services.length, 1);
  assert.equal(config.services[0].url, 'http://127.0.0.1:4321');
  const routes = config.services[0].routes as { name: string; paths: string[]; hosts: string[] }[];
  assert.equal(routes.length, 50);
  assert.equal(new Set(routes.map((route) => route.paths[0])).size, 50);
  assert.equal(new Set(routes.map((route) => route.hosts[0])).size, 50);
  assert.deepEqual(routes[7], { name: 'r7', paths: ['/r7'], hosts: ['h7.bench.test'] });
  assert.deepEqual(parse(passthroughConfig(1)).services[0].routes, [{ name: 'all', paths: ['/'] }]);
});

test('the request picker visits distinct routes spread over the whole table', () => {
  const picked = Array.from({ length: 1000 }, (_, k) => routeForRequest(k));
  assert.equal(new Set(picked).size, 1000);
  assert.ok(Math.max(...picked) > 9000 && Math.min(...picked) < 1000);
  const script = manyRoutesLuaScript(10_000, 1000);
  assert.match(script, /local route = \(k \* 7919 \+ 13\) % 10000/);
  assert.equal(routeForRequest(1), (7919 + 13) % 10_000);
});

test('the routes-10k probe is one of the routes the load hits', () => {
  const probe = SCENARIOS['routes-10k'].probe;
  const index = routeForRequest(1);
  assert.equal(probe.path, `/r${index}/bench`);
  assert.equal(probe.host, `h${index}.bench.test`);
});
