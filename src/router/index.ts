// Public surface of the router module.
export type { RouteMatch, Router, RouterRequest, RouteWithService, UriCaptures } from './types.ts';
export { compileRouter, CompiledRouter, hostnameOf } from './router.ts';
export type { CompileRouterOptions, RouterDiagnostics, RouterFlavor } from './router.ts';
export { escapeUpstreamPath, normalizePath, splitRequestTarget } from './normalize.ts';
export type { RequestTarget } from './normalize.ts';
export { buildUpstreamPath, buildUpstreamPathV1, sanitizeUriPostfix } from './upstream-path.ts';
export type { UpstreamPath, UpstreamPathInput } from './upstream-path.ts';
export { computePriority, splitRouteByPaths, SPLIT_ROUTE_NAMESPACE, isRegexPath } from './priority.ts';
export type { PathGroup } from './priority.ts';
