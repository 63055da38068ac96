// Conformance cases ported from Kong's router unit spec (spec/01-unit/08-router_spec.lua,
// `select()` use cases as run for flavor traditional_compatible). Same route ids as Kong's.
import type { ConformanceCase, RouteSpec } from './conformance-case.ts';

const id = (suffix: string): string => `e8fb37f1-102d-461e-9c51-6608a6bb81${suffix}`;
const LOCATIONS = ['my-location-1', 'my-location-2'];

const USE_CASE: RouteSpec[] = [
  { name: 'uc1-host', id: id('01'), hosts: ['domain-1.org', 'domain-2.org'] },
  { name: 'uc2-method', id: id('02'), methods: ['TRACE'] },
  { name: 'uc3-uri', id: id('03'), paths: ['/my-route'] },
  { name: 'uc4-host-uri', id: id('04'), paths: ['/route-4'], hosts: ['domain-1.org', 'domain-2.org'] },
  { name: 'uc5-host-method', id: id('05'), hosts: ['domain-1.org', 'domain-2.org'], methods: ['POST', 'PUT', 'PATCH'] },
  { name: 'uc6-uri-method', id: id('06'), methods: ['POST', 'PUT', 'PATCH'], paths: ['/route-6'] },
  { name: 'uc7-host-uri-method', id: id('07'), hosts: ['domain-with-uri-1.org', 'domain-with-uri-2.org'], methods: ['POST', 'PUT', 'PATCH'], paths: ['/my-route-uri'] },
  { name: 'uc8-serviceless', id: id('08'), paths: ['/serviceless'], service: null },
  { name: 'uc9-header', id: id('09'), headers: { location: LOCATIONS } },
  { name: 'uc10-headers', id: id('10'), headers: { location: ['my-location-1'], version: ['v1', 'v2'] } },
  { name: 'uc11-headers-uri', id: id('11'), headers: { location: LOCATIONS }, paths: ['/headers-uri'] },
  { name: 'uc12-all', id: id('12'), hosts: ['domain-with-headers-1.org', 'domain-with-headers-2.org'], headers: { location: LOCATIONS }, methods: ['POST', 'PUT', 'PATCH'], paths: ['/headers-host-uri-method'] },
  { name: 'uc13-host-port', id: id('13'), hosts: ['domain-1.org:321', 'domain-2.org'] },
  { name: 'uc14-port-only', id: id('14'), hosts: ['domain-3.org:321'] },
  { name: 'uc15-header-regex', id: id('15'), headers: { user_agent: ['~*windows|linux|os\\s+x\\s*[\\d\\._]+|solaris|bsd'] } },
];

const LONGER_URI: RouteSpec[] = [
  { name: 'hello', id: id('01'), paths: ['/my-route/hello'] },
  { name: 'my-route', id: id('02'), paths: ['/my-route'] },
];
const LONGER_URI_METHODS: RouteSpec[] = [
  { name: 'my-route', id: id('01'), methods: ['POST', 'PUT', 'GET'], paths: ['/my-route'] },
  { name: 'hello', id: id('02'), methods: ['POST', 'PUT', 'GET'], paths: ['/my-route/hello'] },
];

const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.116 Safari/537.36';

const select = (
  title: string,
  request: ConformanceCase['request'],
  expect: string | null,
  extra: Partial<ConformanceCase> = {},
): ConformanceCase => ({ title: `kong unit: ${title}`, routes: USE_CASE, request: { host: 'domain.org', ...request }, expect, ...extra });

export const kongUnitCases: ConformanceCase[] = [
  select('[host]', { host: 'domain-1.org' }, 'uc1-host', { captures: null }),
  select('[host] ignores default port', { host: 'domain-1.org:80', port: 80 }, 'uc1-host'),
  select('[host] matches specific port (equal priority, larger id)', { host: 'domain-1.org:321', port: 321 }, 'uc13-host-port'),
  select('[host] matches specific port on port-only route', { host: 'domain-3.org:321', port: 321 }, 'uc14-port-only'),
  select('[host] fails just because of port on port-only route', { host: 'domain-3.org:123', port: 123 }, null),
  select('[uri]', { path: '/my-route' }, 'uc3-uri'),
  select('[uri + empty host]', { path: '/my-route-uri', host: '' }, 'uc3-uri'),
  select('[method]', { method: 'TRACE' }, 'uc2-method'),
  select('[host + uri]', { path: '/route-4', host: 'domain-1.org' }, 'uc4-host-uri'),
  select('[host + method]', { method: 'POST', host: 'domain-1.org' }, 'uc5-host-method'),
  select('[uri + method]', { method: 'PUT', path: '/route-6' }, 'uc6-uri-method'),
  select('[host + uri + method]', { method: 'PUT', path: '/my-route-uri', host: 'domain-with-uri-2.org' }, 'uc7-host-uri-method'),
  select('single [headers] value 1', { headers: { location: 'my-location-1' } }, 'uc9-header'),
  select('single [headers] value 2', { headers: { location: 'my-location-2' } }, 'uc9-header'),
  select('single [headers] any of request values', { headers: { location: ['my-location-3', 'my-location-2'] } }, 'uc9-header'),
  select('single [headers] no value matches', { headers: { location: 'my-location-3' } }, null),
  select('single [headers] no request value matches', { headers: { location: ['my-location-3', 'foo'] } }, null),
  select('[headers] regex on user agent', { headers: { 'user-agent': CHROME_UA } }, 'uc15-header-regex'),
  select('multiple [headers] v1', { headers: { location: 'my-location-1', version: 'v1' } }, 'uc10-headers'),
  select('multiple [headers] v2', { headers: { location: 'my-location-1', version: 'v2' } }, 'uc10-headers'),
  select('multiple [headers] any request value', { headers: { location: ['my-location-3', 'my-location-1'], version: 'v2' } }, 'uc10-headers'),
  select('multiple [headers] fall back to route 9', { headers: { location: ['my-location-3', 'my-location-2'], version: 'v2' } }, 'uc9-header'),
  select('[headers + uri]', { path: '/headers-uri', headers: { location: 'my-location-2' } }, 'uc11-headers-uri'),
  select('[host + headers + uri + method]', { method: 'PUT', path: '/headers-host-uri-method', host: 'domain-with-headers-1.org', headers: { location: 'my-location-2' } }, 'uc12-all'),
  select('[serviceless]', { path: '/serviceless' }, 'uc8-serviceless', { serviceIsNull: true }),
  select('[uri prefix] request URI extends the prefix', { path: '/my-route/some/path' }, 'uc3-uri'),
  { title: 'kong unit: longer [uri] /my-route/hello', routes: LONGER_URI, request: { path: '/my-route/hello' }, expect: 'hello' },
  { title: 'kong unit: longer [uri] /my-route/hello/world', routes: LONGER_URI, request: { path: '/my-route/hello/world' }, expect: 'hello' },
  { title: 'kong unit: longer [uri] /my-route', routes: LONGER_URI, request: { path: '/my-route' }, expect: 'my-route' },
  { title: 'kong unit: longer [uri] /my-route/world', routes: LONGER_URI, request: { path: '/my-route/world' }, expect: 'my-route' },
  { title: 'kong unit: longer [uri] with [methods]', routes: LONGER_URI_METHODS, request: { path: '/my-route/hello/world' }, expect: 'hello' },
  { title: 'kong unit: shorter [uri] with [methods]', routes: LONGER_URI_METHODS, request: { path: '/my-route/world' }, expect: 'my-route' },
];
