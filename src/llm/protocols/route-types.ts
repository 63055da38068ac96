// Kong's ai-proxy route types. The three `llm/v1/*` types are the canonical (OpenAI) formats
// every provider converts to and from; `preserve` forwards the body untouched with auth injected
// (kong/llm/schemas/init.lua, `route_type`). Kong's OSS schema lists chat/completions/preserve;
// embeddings is Portico's addition so the same provider layer can serve /v1/embeddings.

export const ROUTE_TYPES = ['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings', 'preserve'] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];

/** The route types that carry a canonical (translatable) body. */
export type CanonicalRouteType = Exclude<RouteType, 'preserve'>;

export function isRouteType(value: unknown): value is RouteType {
  return typeof value === 'string' && (ROUTE_TYPES as readonly string[]).includes(value);
}

/** Kong's `<provider>://<route_type>` label, used in translation error messages. */
export function formatLabel(provider: string, routeType: RouteType): string {
  return `${provider}://${routeType}`;
}
