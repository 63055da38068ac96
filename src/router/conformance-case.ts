// Shape and runner of the router conformance table (conformance.test.ts).
import assert from 'node:assert/strict';
import type { Route, Service } from '../entities/types.ts';
import { normalizePath, splitRequestTarget } from './normalize.ts';
import { compileRouter } from './router.ts';
import { fixtureId, makeRequest, makeRoute, makeService } from './test-fixtures.ts';
import type { RouteMatch, RouterRequest, UriCaptures } from './types.ts';

export interface RouteSpec extends Partial<Omit<Route, 'service'>> {
  name: string;
  /** Service fields (a service is created by default); null for a route without service. */
  service?: Partial<Service> | null;
}

export interface ConformanceCase {
  title: string;
  routes: RouteSpec[];
  /** `url` (raw request target) is split and normalised into `path` as the proxy would. */
  request: Partial<RouterRequest> & { url?: string };
  /** Name of the route expected to win, or null for "no Route matched". */
  expect: string | null;
  matchedPath?: string;
  matchedHost?: string | null;
  upstreamPath?: string;
  strippedPrefix?: string;
  captures?: UriCaptures | null;
  serviceIsNull?: boolean;
}

export function buildRoutes(specs: readonly RouteSpec[]): Array<{ route: Route; service: Service | null }> {
  return specs.map((spec) => {
    const { service: serviceFields, ...routeFields } = spec;
    const service = serviceFields === null ? null : makeService({ name: `svc-${spec.name}`, ...serviceFields });
    const route = makeRoute({
      id: fixtureId(`route:${spec.name}`),
      ...routeFields,
      service: service === null ? null : { id: service.id },
    });
    return { route, service };
  });
}

export function runCase(testCase: ConformanceCase): RouteMatch | null {
  const router = compileRouter(buildRoutes(testCase.routes));
  const { url, ...requestFields } = testCase.request;
  const request = makeRequest(requestFields);
  if (url !== undefined) {
    const normalized = normalizePath(splitRequestTarget(url).path);
    assert.ok(normalized !== null, `url ${url} must normalise`);
    request.path = normalized;
  }
  const match = router.match(request);
  assert.equal(match === null ? null : match.route.name, testCase.expect, 'winning route');
  if (match === null) return null;
  if (testCase.matchedPath !== undefined) assert.equal(match.matchedPath, testCase.matchedPath, 'matchedPath');
  if (testCase.matchedHost !== undefined) assert.equal(match.matchedHost, testCase.matchedHost, 'matchedHost');
  if (testCase.upstreamPath !== undefined) assert.equal(match.upstreamPath, testCase.upstreamPath, 'upstreamPath');
  if (testCase.strippedPrefix !== undefined) {
    assert.equal(match.strippedPrefix, testCase.strippedPrefix, 'strippedPrefix');
  }
  if (testCase.captures !== undefined) {
    assert.deepEqual(
      match.captures === null ? null : { unnamed: [...match.captures.unnamed], named: { ...match.captures.named } },
      testCase.captures,
      'captures',
    );
  }
  if (testCase.serviceIsNull === true) assert.equal(match.service, null);
  else assert.equal(match.service?.name, `svc-${match.route.name}`);
  // A second lookup is served from the cache and must agree.
  const again = router.match(request);
  assert.deepEqual(again, match, 'cached result equals fresh result');
  return match;
}
