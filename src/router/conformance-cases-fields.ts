// Conformance cases: what each route field matches (spec kong-core §3.2, Kong's proxy reference).
import type { ConformanceCase } from './conformance-case.ts';

const HOSTS_DOC = [{ name: 'docs-hosts', hosts: ['example.com', 'foo-service.com'] }];
const WILD_SUFFIX = [{ name: 'wild-suffix', hosts: ['*.example.com'] }];
const WILD_PREFIX = [{ name: 'wild-prefix', hosts: ['example.*'] }];
const HOST_PORT = [{ name: 'host-port', hosts: ['example.com:8080'] }];
const PATHS_DOC = [{ name: 'docs-paths', paths: ['/service', '/hello/world'] }];
const REGEX_DOC = [{ name: 'docs-regex', paths: ['~/users/\\d+/profile'] }];
const METHODS = [{ name: 'get-head', methods: ['GET', 'HEAD'] }];
const HEADERS_DOC = [{ name: 'docs-headers', headers: { version: ['v1', 'v2'], 'x-another-header': ['bla'] } }];
const HEADER_REGEX = [{ name: 'header-regex', headers: { 'x-version': ['~*^V\\d+$'] } }];
const SNIS = [{ name: 'snis', snis: ['api.example.com'], protocols: ['https' as const] }];
const WILD_SNI = [{ name: 'wild-sni', snis: ['*.example.com'], protocols: ['https' as const] }];

export const fieldCases: ConformanceCase[] = [
  // hosts
  { title: 'host: exact match', routes: HOSTS_DOC, request: { host: 'example.com' }, expect: 'docs-hosts', matchedHost: 'example.com' },
  { title: 'host: second value (OR within field)', routes: HOSTS_DOC, request: { host: 'foo-service.com' }, expect: 'docs-hosts', matchedHost: 'foo-service.com' },
  { title: 'host: other host does not match', routes: HOSTS_DOC, request: { host: 'bar.com' }, expect: null },
  { title: 'host: port in Host header is ignored by a port-less route', routes: HOSTS_DOC, request: { host: 'example.com:8000', port: 8000 }, expect: 'docs-hosts' },
  { title: 'host: case-insensitive route value', routes: [{ name: 'upper', hosts: ['Example.COM'] }], request: { host: 'example.com' }, expect: 'upper' },
  { title: 'host: case-insensitive request value', routes: HOSTS_DOC, request: { host: 'EXAMPLE.com' }, expect: 'docs-hosts' },
  { title: 'host: trailing dot in Host is ignored', routes: HOSTS_DOC, request: { host: 'example.com.' }, expect: 'docs-hosts' },
  { title: 'host: subdomain does not match exact host', routes: HOSTS_DOC, request: { host: 'www.example.com' }, expect: null },
  { title: 'host: missing Host header', routes: HOSTS_DOC, request: { host: '' }, expect: null },
  { title: 'host wildcard suffix: one label', routes: WILD_SUFFIX, request: { host: 'a.example.com' }, expect: 'wild-suffix', matchedHost: '*.example.com' },
  { title: 'host wildcard suffix: any depth', routes: WILD_SUFFIX, request: { host: 'a.b.example.com' }, expect: 'wild-suffix' },
  { title: 'host wildcard suffix: apex does not match', routes: WILD_SUFFIX, request: { host: 'example.com' }, expect: null },
  { title: 'host wildcard suffix: lookalike does not match', routes: WILD_SUFFIX, request: { host: 'badexample.com' }, expect: null },
  { title: 'host wildcard suffix: with request port', routes: WILD_SUFFIX, request: { host: 'a.example.com:9000', port: 9000 }, expect: 'wild-suffix' },
  { title: 'host wildcard prefix: .org', routes: WILD_PREFIX, request: { host: 'example.org' }, expect: 'wild-prefix', matchedHost: 'example.*' },
  { title: 'host wildcard prefix: multi-label tail', routes: WILD_PREFIX, request: { host: 'example.co.uk' }, expect: 'wild-prefix' },
  { title: 'host wildcard prefix: other head does not match', routes: WILD_PREFIX, request: { host: 'www.example.org' }, expect: null },
  { title: 'host with port: same port matches', routes: HOST_PORT, request: { host: 'example.com:8080', port: 8080 }, expect: 'host-port', matchedHost: 'example.com:8080' },
  { title: 'host with port: other port does not match', routes: HOST_PORT, request: { host: 'example.com:8081', port: 8081 }, expect: null },
  { title: 'host with port: no port in Host uses the listener port', routes: HOST_PORT, request: { host: 'example.com', port: 8080 }, expect: 'host-port' },
  { title: 'host with port: default port does not match', routes: HOST_PORT, request: { host: 'example.com', port: 80 }, expect: null },
  { title: 'host: wildcard with port', routes: [{ name: 'wild-port', hosts: ['*.example.com:8443'] }], request: { host: 'a.example.com:8443', port: 8443 }, expect: 'wild-port' },
  { title: 'host: IPv6 literal with port', routes: [{ name: 'v6', hosts: ['[::1]'] }], request: { host: '[::1]:8000', port: 8000 }, expect: 'v6' },
  { title: 'host: IPv6 literal route with port', routes: [{ name: 'v6p', hosts: ['[::1]:8000'] }], request: { host: '[::1]:8000', port: 8000 }, expect: 'v6p', matchedHost: '[::1]:8000' },
  { title: 'host: IPv6 literal route with other port', routes: [{ name: 'v6p', hosts: ['[::1]:8000'] }], request: { host: '[::1]:9000', port: 9000 }, expect: null },
  // paths
  { title: 'path: exact prefix', routes: PATHS_DOC, request: { path: '/service' }, expect: 'docs-paths', matchedPath: '/service' },
  { title: 'path: prefix with sub-resource', routes: PATHS_DOC, request: { path: '/service/resource' }, expect: 'docs-paths' },
  { title: 'path: second path value', routes: PATHS_DOC, request: { path: '/hello/world/resource' }, expect: 'docs-paths', matchedPath: '/hello/world' },
  { title: 'path: no segment boundary (/service matches /serviceX)', routes: PATHS_DOC, request: { path: '/servicex' }, expect: 'docs-paths' },
  { title: 'path: shorter than prefix does not match', routes: PATHS_DOC, request: { path: '/hello' }, expect: null },
  { title: 'path: case-sensitive', routes: PATHS_DOC, request: { path: '/SERVICE' }, expect: null },
  { title: 'path: regex match', routes: REGEX_DOC, request: { path: '/users/123/profile' }, expect: 'docs-regex', matchedPath: '/users/123/profile' },
  { title: 'path: regex is anchored at the start', routes: REGEX_DOC, request: { path: '/v1/users/123/profile' }, expect: null },
  { title: 'path: regex is not anchored at the end', routes: REGEX_DOC, request: { path: '/users/123/profile/edit' }, expect: 'docs-regex', matchedPath: '/users/123/profile' },
  { title: 'path: regex class mismatch', routes: REGEX_DOC, request: { path: '/users/abc/profile' }, expect: null },
  { title: 'path: explicit $ anchors the end', routes: [{ name: 'dollar', paths: ['~/exact$'] }], request: { path: '/exact/more' }, expect: null },
  { title: 'path: regex without captures has no uri_captures', routes: REGEX_DOC, request: { path: '/users/1/profile' }, expect: 'docs-regex', captures: null },
  { title: 'path: prefix match has no uri_captures', routes: PATHS_DOC, request: { path: '/service/x' }, expect: 'docs-paths', captures: null },
  {
    title: 'path: positional and named captures',
    routes: [{ name: 'caps', paths: ['~/users/(?<id>\\d+)/(\\w+)'] }],
    request: { path: '/users/42/posts/9' }, expect: 'caps',
    captures: { unnamed: ['/users/42/posts', '42', 'posts'], named: { id: '42' } },
  },
  {
    title: 'path: PCRE-only P-less named group syntax is accepted',
    routes: [{ name: 'named', paths: ['~/v(?<version>\\d+)/'] }],
    request: { path: '/v2/items' }, expect: 'named',
    captures: { unnamed: ['/v2/', '2'], named: { version: '2' } },
  },
  { title: 'path: root prefix matches everything', routes: [{ name: 'root', paths: ['/'] }], request: { path: '/anything/at/all' }, expect: 'root' },
  // methods
  { title: 'method: GET matches', routes: METHODS, request: { method: 'GET' }, expect: 'get-head' },
  { title: 'method: HEAD matches', routes: METHODS, request: { method: 'HEAD' }, expect: 'get-head' },
  { title: 'method: POST does not match', routes: METHODS, request: { method: 'POST' }, expect: null },
  { title: 'method: AND with path', routes: [{ name: 'post-users', methods: ['POST'], paths: ['/users'] }], request: { method: 'POST', path: '/orders' }, expect: null },
  // headers
  { title: 'headers: all configured headers present', routes: HEADERS_DOC, request: { headers: { version: 'v1', 'x-another-header': 'bla' } }, expect: 'docs-headers' },
  { title: 'headers: second value of a header', routes: HEADERS_DOC, request: { headers: { version: 'v2', 'x-another-header': 'bla' } }, expect: 'docs-headers' },
  { title: 'headers: one header missing (AND)', routes: HEADERS_DOC, request: { headers: { version: 'v1' } }, expect: null },
  { title: 'headers: value mismatch', routes: HEADERS_DOC, request: { headers: { version: 'v3', 'x-another-header': 'bla' } }, expect: null },
  { title: 'headers: values compare case-insensitively', routes: HEADERS_DOC, request: { headers: { version: 'V1', 'x-another-header': 'BLA' } }, expect: 'docs-headers' },
  { title: 'headers: any of several request values', routes: HEADERS_DOC, request: { headers: { version: ['v9', 'v2'], 'x-another-header': 'bla' } }, expect: 'docs-headers' },
  { title: 'headers: configured name is case-insensitive', routes: [{ name: 'mixed-name', headers: { 'X-Tenant': ['a'] } }], request: { headers: { 'x-tenant': 'a' } }, expect: 'mixed-name' },
  { title: 'headers: ~* regex on lower-cased value', routes: HEADER_REGEX, request: { headers: { 'x-version': 'V12' } }, expect: 'header-regex' },
  { title: 'headers: ~* regex mismatch', routes: HEADER_REGEX, request: { headers: { 'x-version': 'version12' } }, expect: null },
  { title: 'headers: ~* regex on any of several values', routes: HEADER_REGEX, request: { headers: { 'x-version': ['nope', 'v3'] } }, expect: 'header-regex' },
  { title: 'headers: regex is a search, not anchored', routes: [{ name: 'search', headers: { ua: ['~*bot'] } }], request: { headers: { ua: 'Mozilla GoogleBot/2.1' } }, expect: 'search' },
  // snis
  { title: 'snis: TLS request with matching SNI', routes: SNIS, request: { scheme: 'https', sni: 'api.example.com', port: 443 }, expect: 'snis' },
  { title: 'snis: TLS request with other SNI', routes: SNIS, request: { scheme: 'https', sni: 'web.example.com', port: 443 }, expect: null },
  { title: 'snis: TLS request without SNI', routes: SNIS, request: { scheme: 'https', sni: undefined, port: 443 }, expect: null },
  { title: 'snis: plain HTTP ignores route snis', routes: SNIS, request: { scheme: 'http' }, expect: 'snis' },
  { title: 'snis: trailing dot in SNI ignored', routes: SNIS, request: { scheme: 'https', sni: 'api.example.com.' }, expect: 'snis' },
  { title: 'snis: trailing dot in route value ignored', routes: [{ name: 'dot-sni', snis: ['api.example.com.'] }], request: { scheme: 'https', sni: 'api.example.com' }, expect: 'dot-sni' },
  { title: 'snis: wildcard', routes: WILD_SNI, request: { scheme: 'https', sni: 'x.example.com' }, expect: 'wild-sni' },
  { title: 'snis: wildcard does not match apex', routes: WILD_SNI, request: { scheme: 'https', sni: 'example.com' }, expect: null },
  // protocols, services
  { title: 'protocols are not matched: http request hits https-only route', routes: [{ name: 'https-only', protocols: ['https'], paths: ['/'] }], request: { scheme: 'http' }, expect: 'https-only' },
  { title: 'stream routes are not in the HTTP router', routes: [{ name: 'tcp', protocols: ['tcp'], snis: null, destinations: [{ port: 80 }] }], request: {}, expect: null },
  { title: 'disabled service: its routes are excluded', routes: [{ name: 'off', paths: ['/'], service: { enabled: false } }], request: { path: '/x' }, expect: null },
  {
    title: 'disabled service: next route takes over',
    routes: [{ name: 'off', paths: ['/api'], service: { enabled: false } }, { name: 'fallback', paths: ['/'] }],
    request: { path: '/api/x' }, expect: 'fallback',
  },
  { title: 'route without service still matches (503 later)', routes: [{ name: 'orphan', paths: ['/o'], service: null }], request: { path: '/o' }, expect: 'orphan', serviceIsNull: true },
  { title: 'no routes: nothing matches', routes: [], request: {}, expect: null },
  { title: 'AND across fields: host+path+method+header', routes: [{ name: 'all', hosts: ['a.com'], paths: ['/p'], methods: ['PUT'], headers: { 'x-k': ['v'] } }], request: { host: 'a.com', path: '/p/1', method: 'PUT', headers: { 'x-k': 'v' } }, expect: 'all' },
  { title: 'AND across fields: one field fails', routes: [{ name: 'all', hosts: ['a.com'], paths: ['/p'], methods: ['PUT'], headers: { 'x-k': ['v'] } }], request: { host: 'a.com', path: '/p/1', method: 'PUT', headers: { 'x-k': 'w' } }, expect: null },
];
