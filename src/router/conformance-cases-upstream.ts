// Conformance cases: upstream path construction, every row of the v0 table in spec kong-core
// §3.6 (`get_upstream_uri_v0`) plus its examples and Kong's proxy-reference strip_path examples.
import type { ConformanceCase } from './conformance-case.ts';

interface UpstreamRow {
  title: string;
  servicePath: string | null;
  routePaths: string[] | null;
  stripPath: boolean;
  request: string;
  upstream: string;
  stripped?: string;
  pathHandling?: 'v0' | 'v1';
}

const rows: UpstreamRow[] = [
  // base ends with '/'
  { title: 'base "/" strip, empty postfix → "/"', servicePath: null, routePaths: ['/p'], stripPath: true, request: '/p', upstream: '/', stripped: '/p' },
  { title: 'base ends "/", strip, empty postfix, request ends "/" → base', servicePath: '/s/', routePaths: ['/p/'], stripPath: true, request: '/p/', upstream: '/s/' },
  { title: 'base ends "/", strip, empty postfix → base without "/"', servicePath: '/s/', routePaths: ['/p'], stripPath: true, request: '/p', upstream: '/s' },
  { title: 'base ends "/", strip, postfix starts "/"', servicePath: '/s/', routePaths: ['/p'], stripPath: true, request: '/p/x', upstream: '/s/x' },
  { title: 'base ends "/", strip, postfix "/" only', servicePath: '/s/', routePaths: ['/p'], stripPath: true, request: '/p/', upstream: '/s/' },
  { title: 'base ends "/", strip, other postfix', servicePath: '/s/', routePaths: ['/p'], stripPath: true, request: '/px', upstream: '/s/x' },
  { title: 'base ends "/", no strip → base + path without "/"', servicePath: '/s/', routePaths: ['/p'], stripPath: false, request: '/p/x', upstream: '/s/p/x', stripped: '' },
  { title: 'base ends "/", no strip, request "/"', servicePath: '/s/', routePaths: null, stripPath: false, request: '/', upstream: '/s/' },
  { title: 'base "/", no strip keeps the path', servicePath: '/', routePaths: ['/p'], stripPath: false, request: '/p/x', upstream: '/p/x' },
  // base does not end with '/'
  { title: 'base no "/", strip, empty postfix, request ends "/" → base + "/"', servicePath: '/s', routePaths: ['/p/'], stripPath: true, request: '/p/', upstream: '/s/' },
  { title: 'base no "/", strip, empty postfix → base', servicePath: '/s', routePaths: ['/p'], stripPath: true, request: '/p', upstream: '/s' },
  { title: 'base no "/", strip, postfix starts "/"', servicePath: '/s', routePaths: ['/p'], stripPath: true, request: '/p/x', upstream: '/s/x' },
  { title: 'base no "/", strip, other postfix → base + "/" + postfix', servicePath: '/s', routePaths: ['/p'], stripPath: true, request: '/px', upstream: '/s/x' },
  { title: 'base no "/", no strip, request "/" → base', servicePath: '/s', routePaths: ['/'], stripPath: false, request: '/', upstream: '/s' },
  { title: 'base no "/", no strip → base + request', servicePath: '/s', routePaths: ['/p'], stripPath: false, request: '/p/x', upstream: '/s/p/x' },
  // spec examples (service /s, route /p)
  { title: 'example /p/x → /s/x', servicePath: '/s', routePaths: ['/p'], stripPath: true, request: '/p/x', upstream: '/s/x', stripped: '/p' },
  { title: 'example /p → /s', servicePath: '/s', routePaths: ['/p'], stripPath: true, request: '/p', upstream: '/s' },
  { title: 'example /p/ → /s/', servicePath: '/s', routePaths: ['/p'], stripPath: true, request: '/p/', upstream: '/s/' },
  { title: 'example /px → /s/x', servicePath: '/s', routePaths: ['/p'], stripPath: true, request: '/px', upstream: '/s/x' },
  { title: 'example strip off /p/x → /s/p/x', servicePath: '/s', routePaths: ['/p'], stripPath: false, request: '/p/x', upstream: '/s/p/x' },
  { title: 'example no service path /p/x → /x', servicePath: null, routePaths: ['/p'], stripPath: true, request: '/p/x', upstream: '/x' },
  { title: 'example no service path /p → /', servicePath: null, routePaths: ['/p'], stripPath: true, request: '/p', upstream: '/' },
  // Kong proxy reference
  { title: 'docs: strip_path removes /service', servicePath: null, routePaths: ['/service'], stripPath: true, request: '/service/path/to/resource', upstream: '/path/to/resource', stripped: '/service' },
  { title: 'docs: strip_path off keeps /service', servicePath: null, routePaths: ['/service'], stripPath: false, request: '/service/path/to/resource', upstream: '/service/path/to/resource', stripped: '' },
  { title: 'docs: regex match text is the stripped prefix', servicePath: null, routePaths: ['~/version/\\d+/service'], stripPath: true, request: '/version/1/service/path/to/resource', upstream: '/path/to/resource', stripped: '/version/1/service' },
  { title: 'regex strip into a service path', servicePath: '/api', routePaths: ['~/v\\d+'], stripPath: true, request: '/v2/items', upstream: '/api/items', stripped: '/v2' },
  // postfix sanitising
  { title: 'postfix "./x" drops "./"', servicePath: null, routePaths: ['/p'], stripPath: true, request: '/p./x', upstream: '/x' },
  { title: 'postfix ".." is dropped', servicePath: '/s', routePaths: ['/p'], stripPath: true, request: '/p..', upstream: '/s' },
  { title: 'postfix "../x" drops "../"', servicePath: '/s', routePaths: ['/p'], stripPath: true, request: '/p../x', upstream: '/s/x' },
  // routes without paths strip nothing
  { title: 'no paths, strip on: nothing stripped', servicePath: '/s', routePaths: null, stripPath: true, request: '/foo/bar', upstream: '/s/foo/bar', stripped: '' },
  { title: 'no paths, strip on, request "/"', servicePath: '/s', routePaths: null, stripPath: true, request: '/', upstream: '/s' },
  { title: 'no paths, base "/", strip on', servicePath: null, routePaths: null, stripPath: true, request: '/foo', upstream: '/foo' },
  // path_handling v1 is ignored by traditional_compatible
  { title: 'v1 is ignored: strip off behaves as v0', servicePath: '/s', routePaths: ['/p'], stripPath: false, request: '/p/x', upstream: '/s/p/x', pathHandling: 'v1' },
  { title: 'v1 is ignored: strip on behaves as v0', servicePath: '/s', routePaths: ['/p'], stripPath: true, request: '/px', upstream: '/s/x', pathHandling: 'v1' },
];

export const upstreamCases: ConformanceCase[] = rows.map((row) => ({
  title: `upstream path: ${row.title}`,
  routes: [{
    name: 'route',
    hosts: row.routePaths === null ? ['example.com'] : null,
    paths: row.routePaths,
    strip_path: row.stripPath,
    path_handling: row.pathHandling ?? 'v0',
    service: { path: row.servicePath },
  }],
  request: { path: row.request },
  expect: 'route',
  upstreamPath: row.upstream,
  ...(row.stripped === undefined ? {} : { strippedPrefix: row.stripped }),
}));
