// The immutable configuration view the proxy serves from: built once per config version, then
// swapped atomically by the worker (requests in flight keep the snapshot they started with).
import { createHash } from 'node:crypto';
import type { Settings } from '../config/types.ts';
import type { EntitySet, Service, Target, Upstream } from '../entities/types.ts';
import { emptyPluginTable, type PluginTable } from '../pipeline/index.ts';
import { compileRouter } from '../router/index.ts';
import type { Router, RouteWithService } from '../router/types.ts';
import { createBalancer, type Balancer, type BalancerHealth, type BalancerOptions, type DnsResolver } from './balancer/index.ts';
import { headerFlags, type HeaderFlags } from './header-flags.ts';
import { TrustedIps } from './trusted-ips.ts';
import { buildCertificateTable, EMPTY_CERTIFICATE_TABLE, type CertificateTable } from './tls/certificate-table.ts';
import { protocolOptions } from './tls/cipher-suites.ts';
import { buildUpstreamTls, type UpstreamTls } from './tls/upstream-tls.ts';

export interface UpstreamEntry {
  upstream: Upstream;
  balancer: Balancer;
}

export interface Snapshot {
  readonly version: number;
  /** md5 of the entity set, as Kong's DB-less configuration hash (32 hex). */
  readonly configHash: string;
  readonly settings: Settings;
  readonly services: ReadonlyMap<string, Service>;
  /** Keyed by upstream name: a service whose host equals it is load-balanced (Kong §4.4). */
  readonly upstreams: ReadonlyMap<string, UpstreamEntry>;
  readonly router: Router;
  readonly flags: HeaderFlags;
  readonly trustedIps: TrustedIps;
  /** Resolver for service hosts that are DNS names (undefined = the balancer's system resolver). */
  readonly resolver: DnsResolver | undefined;
  /** Plugin lookup table of this config version; `empty` keeps the passthrough path plugin-free. */
  readonly plugins: PluginTable;
  /** SNI → certificate for the TLS listeners, built once per config version (kong-core §10.3). */
  readonly certificates: CertificateTable;
  /** Upstream TLS settings per service id (verify, depth, CA bundle, client certificate). */
  readonly upstreamTls: ReadonlyMap<string, UpstreamTls>;
  /** Stops the balancers' background work; call once the snapshot is no longer served. */
  close(): void;
}

export interface SnapshotOptions {
  resolver?: DnsResolver;
  /** Built beforehand with buildPluginTable (it is async); default: no plugins. */
  plugins?: PluginTable;
  /** Node-wide target health (see balancer/health); without it health checks are off. */
  health?: BalancerHealth;
}

// Kong only routes the HTTP subsystem's protocols on the proxy listener; stream routes need
// stream_listen, which Portico does not serve.
const HTTP_PROTOCOLS = new Set(['http', 'https', 'grpc', 'grpcs']);

export function buildSnapshot(entities: EntitySet, settings: Settings, version: number, options: SnapshotOptions = {}): Snapshot {
  const services = new Map<string, Service>();
  for (const service of entities.services) services.set(service.id, service);

  // Routes of a disabled service are invisible to the router (kong-core §10.4).
  const entries: RouteWithService[] = [];
  for (const route of entities.routes) {
    if (!route.protocols.some((protocol) => HTTP_PROTOCOLS.has(protocol))) continue;
    const service = route.service === null ? null : services.get(route.service.id) ?? null;
    if (service !== null && !service.enabled) continue;
    entries.push({ route, service });
  }

  const targetsByUpstream = new Map<string, Target[]>();
  for (const target of entities.targets) {
    const list = targetsByUpstream.get(target.upstream.id);
    if (list === undefined) targetsByUpstream.set(target.upstream.id, [target]);
    else list.push(target);
  }
  const upstreams = new Map<string, UpstreamEntry>();
  const balancerOptions: BalancerOptions = {};
  if (options.resolver !== undefined) balancerOptions.resolver = options.resolver;
  if (options.health !== undefined) balancerOptions.health = options.health;
  for (const upstream of entities.upstreams) {
    const balancer = createBalancer(upstream, targetsByUpstream.get(upstream.id) ?? [], balancerOptions);
    upstreams.set(upstream.name, { upstream, balancer });
  }

  const configHash = createHash('md5').update(JSON.stringify(entities)).digest('hex');
  const router = compileRouter(entries);
  const certificates = (entities.certificates?.length ?? 0) === 0 ? EMPTY_CERTIFICATE_TABLE : buildCertificateTable(entities, protocolOptions(settings));
  return {
    version,
    configHash,
    settings,
    services,
    upstreams,
    router,
    flags: headerFlags(settings),
    trustedIps: new TrustedIps(settings.trusted_ips),
    resolver: options.resolver,
    plugins: options.plugins ?? emptyPluginTable(version),
    certificates,
    upstreamTls: buildUpstreamTls(entities),
    close(): void {
      for (const entry of upstreams.values()) entry.balancer.close();
    },
  };
}
