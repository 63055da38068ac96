// Zipkin v2 spans for one request (kong/plugins/zipkin/handler.lua): the SERVER request span,
// a CLIENT proxy span (`<name> (proxy)`) when the request was proxied, and one CLIENT span per
// balancer try (`<name> (balancer try <n>)`). Times are epoch microseconds.
import type { ConfOf } from '../../pdk/index.ts';
import type { zipkinSchema } from './schema.ts';

type ZipkinConf = ConfOf<typeof zipkinSchema>;
type Entry = Record<string, any>;

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind: 'SERVER' | 'CLIENT';
  timestamp: number;
  duration: number;
  localEndpoint: { serviceName: string };
  remoteEndpoint?: { ipv4?: string; ipv6?: string; port?: number; serviceName?: string };
  tags: Record<string, string>;
}

export interface ZipkinTrace {
  traceId: string;
  spanId: string;
  proxySpanId: string;
  parentId: string | null;
  sampled: boolean;
  /** `Zipkin-Tags` header tags, read in access. */
  headerTags: Record<string, string>;
}

const micros = (ms: number): number => Math.round(ms * 1000);

function endpoint(ip: unknown, port: unknown): { ipv4?: string; ipv6?: string; port?: number } {
  const address = typeof ip === 'string' ? ip : '';
  const out: { ipv4?: string; ipv6?: string; port?: number } = address.includes(':') ? { ipv6: address } : address === '' ? {} : { ipv4: address };
  if (typeof port === 'number' && port > 0) out.port = port;
  return out;
}

/** `k=v;k2=v2` → tags (Kong's tags_header format). */
export function parseTagsHeader(value: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of (value ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0) tags[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return tags;
}

/**
 * The spans of one finished request.
 * @example
 * zipkinSpans(conf, trace, kong.log.serialize(), nodeId);
 */
export function zipkinSpans(conf: ZipkinConf, trace: ZipkinTrace, entry: Entry, nodeId: string): ZipkinSpan[] {
  const request = (entry.request ?? {}) as Entry;
  const method = String(request.method ?? 'GET');
  const uri = String(request.uri ?? '/');
  const path = uri.split('?')[0]!;
  const name = conf.http_span_name === 'method_path' ? `${method} ${path}` : method;
  const started = typeof entry.started_at === 'number' ? entry.started_at : Date.now();
  const total = typeof entry.latencies?.request === 'number' ? entry.latencies.request : 0;
  const status = Number(entry.response?.status ?? 0);
  const serviceName = entry.service?.name ?? conf.default_service_name ?? conf.local_service_name;
  const tags: Record<string, string> = {
    lc: 'kong',
    'http.method': method,
    'http.path': path,
    'http.status_code': String(status),
    'kong.node.id': nodeId,
    ...trace.headerTags,
  };
  if (typeof request.url === 'string') {
    const url = new URL(request.url);
    tags['http.host'] = url.hostname;
    tags['http.protocol'] = url.protocol.replace(':', '');
  }
  if (entry.service?.id) { tags['kong.service'] = String(entry.service.id); if (entry.service.name) tags['kong.service_name'] = String(entry.service.name); }
  if (entry.route?.id) { tags['kong.route'] = String(entry.route.id); if (entry.route.name) tags['kong.route_name'] = String(entry.route.name); }
  if (entry.consumer?.id) tags['kong.consumer'] = String(entry.consumer.id);
  if (conf.include_credential && entry.authenticated_entity?.id) tags['kong.credential'] = String(entry.authenticated_entity.id);
  for (const tag of conf.static_tags ?? []) tags[tag.name] = tag.value;
  if (status >= 500) tags.error = 'true';

  const base = { traceId: trace.traceId, localEndpoint: { serviceName: conf.local_service_name } };
  const spans: ZipkinSpan[] = [{
    ...base, id: trace.spanId, ...(trace.parentId === null ? {} : { parentId: trace.parentId }),
    name, kind: 'SERVER', timestamp: micros(started), duration: Math.max(1, micros(total)),
    remoteEndpoint: endpoint(entry.client_ip, undefined), tags,
  }];
  const tries = Array.isArray(entry.tries) ? (entry.tries as Entry[]) : [];
  if (tries.length > 0) {
    const proxyStart = typeof tries[0]!.balancer_start === 'number' ? tries[0]!.balancer_start : started;
    spans.push({
      ...base, id: trace.proxySpanId, parentId: trace.spanId, name: `${name} (proxy)`, kind: 'CLIENT',
      timestamp: micros(proxyStart), duration: Math.max(1, micros(started + total - proxyStart)),
      remoteEndpoint: { ...endpoint(tries[tries.length - 1]!.ip, tries[tries.length - 1]!.port), serviceName },
      tags: { 'kong.service': String(entry.service?.id ?? '') },
    });
    tries.forEach((attempt, index) => {
      const failed = attempt.state === 'failed' || attempt.state === 'next';
      const tryTags: Record<string, string> = { 'kong.balancer.try': String(index + 1) };
      if (failed) { tryTags.error = 'true'; tryTags['kong.balancer.state'] = String(attempt.state); }
      if (typeof attempt.code === 'number') tryTags['http.status_code'] = String(attempt.code);
      const start = typeof attempt.balancer_start === 'number' ? attempt.balancer_start : proxyStart;
      spans.push({
        ...base, id: `${trace.proxySpanId.slice(0, 14)}${String(index).padStart(2, '0')}`, parentId: trace.proxySpanId,
        name: `${name} (balancer try ${index + 1})`, kind: 'CLIENT', timestamp: micros(start),
        duration: Math.max(1, micros(Number(attempt.balancer_latency ?? 0))),
        remoteEndpoint: { ...endpoint(attempt.ip, attempt.port), serviceName }, tags: tryTags,
      });
    });
  }
  return spans;
}
