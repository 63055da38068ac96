// Conformance cases: priority in traditional_compatible (spec kong-core §3.4; compat.lua
// `get_priority`, route splitting) and routing of normalised request targets (§3.1, security §2.6).
import type { ConformanceCase, RouteSpec } from './conformance-case.ts';

// Kong's proxy-reference example for regex_priority.
const DOCS_REGEX_PRIORITY: RouteSpec[] = [
  { name: 'status', paths: ['~/status/\\d+'], regex_priority: 0 },
  { name: 'version-status', paths: ['~/version/\\d+/status/\\d+'], regex_priority: 6 },
  { name: 'version', paths: ['/version'] },
  { name: 'version-any', paths: ['/version/any/'] },
];

const REGEX_VS_PREFIX: RouteSpec[] = [
  { name: 'long-prefix', paths: ['/foo/bar/baz'] },
  { name: 'short-regex', paths: ['~/foo'] },
];

// uuid_v5('00000000-0000-4000-8000-000000000001#2') = 88c08b1f-… > 50000000-…, while the original
// id is smaller: the derived group id, not the route id, breaks the tie.
const SPLIT_TIE_LOW: RouteSpec[] = [
  { name: 'split-low', id: '00000000-0000-4000-8000-000000000001', paths: ['/t', '/tt'] },
  { name: 'single-mid', id: '50000000-0000-4000-8000-000000000000', paths: ['/t'] },
];
// uuid_v5('ffffffff-0000-4000-8000-000000000001#2') = 312d7722-… < 50000000-…
const SPLIT_TIE_HIGH: RouteSpec[] = [
  { name: 'split-high', id: 'ffffffff-0000-4000-8000-000000000001', paths: ['/t', '/tt'] },
  { name: 'single-mid', id: '50000000-0000-4000-8000-000000000000', paths: ['/t'] },
];

const MIXED_SPLIT: RouteSpec[] = [
  { name: 'mixed', paths: ['/a', '~/a/\\d+$'] },
  { name: 'a-slash', paths: ['/a/'] },
];

const SECURITY_ROUTES: RouteSpec[] = [
  { name: 'public', paths: ['/public'] },
  { name: 'admin', paths: ['/admin'] },
];

export const priorityCases: ConformanceCase[] = [
  { title: 'priority: plain host beats wildcard host', routes: [{ name: 'wild', hosts: ['*.example.com'] }, { name: 'plain', hosts: ['api.example.com'] }], request: { host: 'api.example.com' }, expect: 'plain' },
  { title: 'priority: wildcard still matches other subdomains', routes: [{ name: 'wild', hosts: ['*.example.com'] }, { name: 'plain', hosts: ['api.example.com'] }], request: { host: 'web.example.com' }, expect: 'wild' },
  { title: 'priority: mixed plain+wildcard hosts lose the plain-host bit', routes: [{ name: 'mixed', hosts: ['api.example.com', '*.example.org'] }, { name: 'plain', hosts: ['api.example.com'], id: '00000000-0000-4000-8000-000000000000' }], request: { host: 'api.example.com' }, expect: 'plain' },
  { title: 'priority: more fields win (host+method over host)', routes: [{ name: 'host', hosts: ['example.com'] }, { name: 'host-method', hosts: ['example.com'], methods: ['GET'] }], request: { method: 'GET' }, expect: 'host-method' },
  { title: 'priority: fewer fields when the richer route fails', routes: [{ name: 'host', hosts: ['example.com'] }, { name: 'host-method', hosts: ['example.com'], methods: ['GET'] }], request: { method: 'POST' }, expect: 'host' },
  { title: 'priority: header route outranks same-path route', routes: [{ name: 'path', paths: ['/'] }, { name: 'path-header', paths: ['/'], headers: { 'x-canary': ['1'] } }], request: { headers: { 'x-canary': '1' } }, expect: 'path-header' },
  { title: 'priority: header route skipped without the header', routes: [{ name: 'path', paths: ['/'] }, { name: 'path-header', paths: ['/'], headers: { 'x-canary': ['1'] } }], request: {}, expect: 'path' },
  { title: 'priority: more header keys win', routes: [{ name: 'h1', headers: { a: ['1'] } }, { name: 'h2', headers: { a: ['1'], b: ['2'] } }], request: { headers: { a: '1', b: '2' } }, expect: 'h2' },
  { title: 'priority: header count bits outrank prefix length at equal field count', routes: [{ name: 'long', paths: ['/a/very/long/prefix'] }, { name: 'hdr', headers: { x: ['y'] } }], request: { path: '/a/very/long/prefix', headers: { x: 'y' } }, expect: 'hdr' },
  { title: 'priority: host+path beats path only', routes: [{ name: 'path', paths: ['/p'] }, { name: 'host-path', hosts: ['example.com'], paths: ['/'] }], request: { path: '/p' }, expect: 'host-path' },
  { title: 'priority: regex beats a longer prefix', routes: REGEX_VS_PREFIX, request: { path: '/foo/bar/baz' }, expect: 'short-regex' },
  { title: 'priority: prefix used when regex fails', routes: [{ name: 'prefix', paths: ['/foo'] }, { name: 'regex', paths: ['~/foo/\\d+'] }], request: { path: '/foo/x' }, expect: 'prefix' },
  { title: 'priority: longer prefix wins', routes: [{ name: 'short', paths: ['/a'] }, { name: 'longer', paths: ['/a/b'] }], request: { path: '/a/b/c' }, expect: 'longer' },
  { title: 'priority: shorter prefix when longer does not match', routes: [{ name: 'short', paths: ['/a'] }, { name: 'longer', paths: ['/a/b'] }], request: { path: '/a/c' }, expect: 'short' },
  { title: 'priority: regex_priority higher wins', routes: [{ name: 'rp0', paths: ['~/x/.*'], regex_priority: 0 }, { name: 'rp5', paths: ['~/x/\\d+'], regex_priority: 5 }], request: { path: '/x/1' }, expect: 'rp5' },
  { title: 'priority: negative regex_priority sorts below zero', routes: [{ name: 'neg', paths: ['~/n/\\d+'], regex_priority: -5, id: 'ffffffff-ffff-4fff-bfff-ffffffffffff' }, { name: 'zero', paths: ['~/n/.+'], regex_priority: 0, id: '00000000-0000-4000-8000-000000000000' }], request: { path: '/n/1' }, expect: 'zero' },
  { title: 'priority: regex_priority ignored for prefix paths', routes: [{ name: 'prefix-rp', paths: ['/r'], regex_priority: 100 }, { name: 'prefix-long', paths: ['/r/s'] }], request: { path: '/r/s' }, expect: 'prefix-long' },
  { title: 'docs regex_priority: /version/1/status/2', routes: DOCS_REGEX_PRIORITY, request: { path: '/version/1/status/2' }, expect: 'version-status' },
  { title: 'docs regex_priority: /status/3', routes: DOCS_REGEX_PRIORITY, request: { path: '/status/3' }, expect: 'status' },
  { title: 'docs regex_priority: /version/any/x', routes: DOCS_REGEX_PRIORITY, request: { path: '/version/any/x' }, expect: 'version-any' },
  { title: 'docs regex_priority: /version', routes: DOCS_REGEX_PRIORITY, request: { path: '/version' }, expect: 'version' },
  { title: 'tie-break: larger route UUID wins', routes: [{ name: 'low', id: '10000000-0000-4000-8000-000000000000', paths: ['/same'] }, { name: 'high', id: 'f0000000-0000-4000-8000-000000000000', paths: ['/same'] }], request: { path: '/same' }, expect: 'high' },
  { title: 'tie-break: order of definition does not matter', routes: [{ name: 'high', id: 'f0000000-0000-4000-8000-000000000000', paths: ['/same'] }, { name: 'low', id: '10000000-0000-4000-8000-000000000000', paths: ['/same'] }], request: { path: '/same' }, expect: 'high' },
  { title: 'tie-break: not created_at', routes: [{ name: 'old-low', id: '10000000-0000-4000-8000-000000000000', created_at: 1, hosts: ['example.com'] }, { name: 'new-high', id: 'f0000000-0000-4000-8000-000000000000', created_at: 2000000000, hosts: ['example.com'] }], request: {}, expect: 'new-high' },
  { title: 'split: derived group id breaks ties (higher derived id)', routes: SPLIT_TIE_LOW, request: { path: '/t' }, expect: 'split-low' },
  { title: 'split: derived group id breaks ties (lower derived id)', routes: SPLIT_TIE_HIGH, request: { path: '/t' }, expect: 'single-mid' },
  { title: 'split: regex group of a mixed route keeps regex priority', routes: MIXED_SPLIT, request: { path: '/a/1' }, expect: 'mixed', matchedPath: '/a/1' },
  { title: 'split: prefix group of a mixed route keeps its own length', routes: MIXED_SPLIT, request: { path: '/a/x' }, expect: 'a-slash' },
  { title: 'split: short prefix of a mixed route still matches', routes: MIXED_SPLIT, request: { path: '/ab' }, expect: 'mixed', matchedPath: '/a' },
  { title: 'split: prefix lengths are separate groups', routes: [{ name: 'multi', paths: ['/x', '/xyz/long'] }, { name: 'mid', paths: ['/xyz'] }], request: { path: '/xyz/a' }, expect: 'mid' },
  { title: 'split: long group of a multi-path route wins over mid', routes: [{ name: 'multi', paths: ['/x', '/xyz/long'] }, { name: 'mid', paths: ['/xyz'] }], request: { path: '/xyz/long/1' }, expect: 'multi', matchedPath: '/xyz/long' },
  { title: 'split: first matching regex of a group gives the captures', routes: [{ name: 'two-regex', paths: ['~/r/(\\d+)', '~/r/(\\w+)'] }], request: { path: '/r/7' }, expect: 'two-regex', captures: { unnamed: ['/r/7', '7'], named: {} } },
  // Normalised request targets (§3.1, security §2.6 matrix).
  { title: 'normalise: %41 decodes before matching', routes: [{ name: 'abc', paths: ['/Abc'] }], request: { url: '/%41bc' }, expect: 'abc' },
  { title: 'normalise: %2F stays encoded, prefix still matches', routes: SECURITY_ROUTES, request: { url: '/admin%2f' }, expect: 'admin', matchedPath: '/admin', upstreamPath: '/%2F' },
  { title: 'normalise: /a/../b', routes: [{ name: 'b', paths: ['/b'] }, { name: 'a', paths: ['/a'] }], request: { url: '/a/../b' }, expect: 'b' },
  { title: 'normalise: //x merges slashes', routes: [{ name: 'x', paths: ['/x'] }], request: { url: '//x' }, expect: 'x' },
  { title: 'normalise: /public/../admin reaches admin', routes: SECURITY_ROUTES, request: { url: '/public/../admin' }, expect: 'admin' },
  { title: 'normalise: encoded dot segments reach admin', routes: SECURITY_ROUTES, request: { url: '/public/%2e%2e/admin' }, expect: 'admin' },
  { title: 'normalise: mixed-case encoded dots reach admin', routes: SECURITY_ROUTES, request: { url: '/public/.%2E/admin' }, expect: 'admin' },
  { title: 'normalise: double-encoded dots stay under public', routes: SECURITY_ROUTES, request: { url: '/public/%252e%252e/admin' }, expect: 'public' },
  { title: 'normalise: encoded slash keeps public', routes: SECURITY_ROUTES, request: { url: '/public%2f..%2fadmin' }, expect: 'public' },
  { title: 'normalise: %61dmin is admin', routes: SECURITY_ROUTES, request: { url: '/%61dmin' }, expect: 'admin' },
  { title: 'normalise: ;params are data for prefix routes', routes: SECURITY_ROUTES, request: { url: '/admin;x=1' }, expect: 'admin' },
  { title: 'normalise: upper-case path misses lower-case route', routes: SECURITY_ROUTES, request: { url: '/ADMIN' }, expect: null },
  { title: 'normalise: query string is not part of the path', routes: [{ name: 'q', paths: ['~/q$'] }], request: { url: '/q?x=/y' }, expect: 'q' },
  { title: 'normalise: UTF-8 path matches decoded route', routes: [{ name: 'utf8', paths: ['/endeløst'] }], request: { url: '/endel%C3%B8st' }, expect: 'utf8' },
];
