// TLS towards https/grpcs upstreams, per service (kong/runloop/upstream_ssl.lua): `tls_verify`
// (null = nginx's proxy_ssl_verify default, off), `tls_verify_depth` (null = nginx's
// proxy_ssl_verify_depth default, 1), `ca_certificates` (the trust store when verifying; without
// it, the runtime's default CA bundle), and `client_certificate` (mTLS; the service's, else the
// upstream's). Built once per config version; `key` identifies the settings so the process-wide
// pools keep warm connections across reloads that do not change them.
import { createHash } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { EntitySet, Service } from '../../entities/types.ts';

export interface UpstreamTls {
  /** Stable identity of these settings (part of the pool key). */
  readonly key: string;
  /** Options for tls.connect (through undici's `connect`) towards `servername` (none for IP literals). */
  connectOptions(servername: string | undefined): UpstreamConnectOptions;
}

export interface UpstreamConnectOptions {
  rejectUnauthorized: boolean;
  servername?: string;
  ca?: string[];
  cert?: string;
  key?: string;
  checkServerIdentity?: (hostname: string, cert: PeerCertificate) => Error | undefined;
}

export type UpstreamTlsEntities = Pick<EntitySet, 'services' | 'certificates' | 'ca_certificates' | 'upstreams'>;

const NGINX_VERIFY_DEPTH = 1;

export const PLAIN_UPSTREAM_TLS: UpstreamTls = {
  key: 'default',
  connectOptions: (servername) => (servername === undefined ? { rejectUnauthorized: false } : { rejectUnauthorized: false, servername }),
};

/**
 * OpenSSL's verify depth: how many intermediate CAs may sit between the peer certificate and the
 * trust anchor (depth 0 = issued directly by a trusted CA).
 */
export function intermediatesOf(cert: PeerCertificate & { issuerCertificate?: PeerCertificate }): number {
  let count = 0;
  let current = cert.issuerCertificate;
  const seen = new Set<PeerCertificate>([cert]);
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    const next: PeerCertificate | undefined = (current as { issuerCertificate?: PeerCertificate }).issuerCertificate;
    // The self-issued top of the chain is the trust anchor, not an intermediate.
    if (next === undefined || next === null || next === current || current.fingerprint256 === next.fingerprint256) break;
    count += 1;
    current = next;
  }
  return count;
}

/**
 * nginx checks the name it sent as SNI (proxy_ssl_name = the upstream Host); node:tls would check
 * the connected address (the balancer's IP), so the expected name is bound here.
 */
function identityChecker(servername: string | undefined, depth: number): (hostname: string, cert: PeerCertificate) => Error | undefined {
  return (hostname, cert) => {
    const identity = checkServerIdentity(servername ?? hostname, cert);
    if (identity !== undefined) return identity;
    const intermediates = intermediatesOf(cert);
    if (intermediates > depth) return new Error(`certificate chain too long: ${intermediates} intermediate certificates, tls_verify_depth is ${depth}`);
    return undefined;
  };
}

/** Per service id: its upstream TLS settings (services sharing settings share one object). */
export function buildUpstreamTls(entities: UpstreamTlsEntities): Map<string, UpstreamTls> {
  const certificates = new Map((entities.certificates ?? []).map((certificate) => [certificate.id, certificate]));
  const caCertificates = new Map((entities.ca_certificates ?? []).map((ca) => [ca.id, ca]));
  const upstreamCertificate = new Map((entities.upstreams ?? []).map((upstream) => [upstream.name, upstream.client_certificate?.id ?? null]));
  const shared = new Map<string, UpstreamTls>();
  const byService = new Map<string, UpstreamTls>();
  for (const service of entities.services) {
    const clientId = service.client_certificate?.id ?? upstreamCertificate.get(service.host) ?? null;
    const client = clientId === null ? undefined : certificates.get(clientId);
    const verify = service.tls_verify === true;
    const depth = service.tls_verify_depth ?? NGINX_VERIFY_DEPTH;
    const cas = verify ? caList(service, caCertificates) : [];
    if (!verify && client === undefined) { byService.set(service.id, PLAIN_UPSTREAM_TLS); continue; }
    const identity = createHash('sha256')
      .update(`${verify ? 1 : 0}|${depth}|${cas.join('\n')}|${client === undefined ? '' : `${client.id}@${client.updated_at}`}`)
      .digest('hex').slice(0, 32);
    let tls = shared.get(identity);
    if (tls === undefined) {
      const base = {
        rejectUnauthorized: verify,
        ...(cas.length > 0 ? { ca: cas } : {}),
        ...(client === undefined ? {} : { cert: client.cert, key: client.key }),
      };
      tls = {
        key: identity,
        connectOptions: (servername) => ({
          ...base,
          ...(servername === undefined ? {} : { servername }),
          ...(verify ? { checkServerIdentity: identityChecker(servername, depth) } : {}),
        }),
      };
      shared.set(identity, tls);
    }
    byService.set(service.id, tls);
  }
  return byService;
}

function caList(service: Service, caCertificates: ReadonlyMap<string, { cert: string }>): string[] {
  const out: string[] = [];
  for (const id of service.ca_certificates ?? []) {
    const ca = caCertificates.get(id);
    if (ca !== undefined) out.push(ca.cert);
  }
  return out;
}
