// Synthetic route tables for scale tests and benchmarks: a realistic mix of exact hosts,
// wildcard hosts, host-less routes, prefix and regex paths, methods and headers.
import type { RouteWithService } from './types.ts';
import type { RouterRequest } from './types.ts';
import { buildRoutes } from './conformance-case.ts';
import type { RouteSpec } from './conformance-case.ts';
import { makeRequest } from './test-fixtures.ts';

export function syntheticRouteSpecs(count: number): RouteSpec[] {
  const specs: RouteSpec[] = [];
  for (let index = 0; index < count; index++) {
    const tenant = `tenant${index % 97}`;
    switch (index % 5) {
      case 0:
        specs.push({ name: `r${index}`, hosts: [`${tenant}.example.com`], paths: [`/api/v1/items${index}`] });
        break;
      case 1:
        specs.push({ name: `r${index}`, paths: [`/svc${index}/orders`, `/svc${index}/o`], methods: ['GET', 'POST'] });
        break;
      case 2:
        specs.push({ name: `r${index}`, paths: [`~/users${index}/(?<id>\\d+)$`] });
        break;
      case 3:
        specs.push({ name: `r${index}`, hosts: [`*.${tenant}.example.org`], paths: [`/w${index}`] });
        break;
      default:
        specs.push({ name: `r${index}`, paths: [`/h${index}`], headers: { 'x-version': [`v${index}`] } });
    }
  }
  return specs;
}

export function syntheticRoutes(count: number): RouteWithService[] {
  return buildRoutes(syntheticRouteSpecs(count));
}

/** Requests hitting routes 0..4 of any synthetic table (present in every size) plus a miss. */
export function syntheticRequests(): Array<{ request: RouterRequest; expect: string | null }> {
  return [
    { request: makeRequest({ host: 'tenant0.example.com', path: '/api/v1/items0/x' }), expect: 'r0' },
    { request: makeRequest({ method: 'POST', path: '/svc1/orders/9' }), expect: 'r1' },
    { request: makeRequest({ path: '/users2/42' }), expect: 'r2' },
    { request: makeRequest({ host: 'a.tenant3.example.org', path: '/w3/z' }), expect: 'r3' },
    { request: makeRequest({ path: '/h4/q', headers: { 'x-version': 'v4' } }), expect: 'r4' },
    { request: makeRequest({ host: 'nowhere.test', path: '/missing/path' }), expect: null },
  ];
}
