// SNI → certificate for the TLS listeners, built once per config version from the
// `certificates` and `snis` entities (kong/runloop/certificate.lua): exact name, then the
// leftmost label replaced (`*.example.com`), then the last label replaced (`www.example.*`),
// then the catch-all `*`; no match (or no SNI at all) falls back to the listener's default
// certificate. node:tls installs one pair per SNI-selected context, so a certificate with
// `cert_alt`/`key_alt` gets a context per pair and the caller says whether the client takes ECDSA
// (client-hello.ts); the listener's default context holds both pairs itself.
import { createPublicKey } from 'node:crypto';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import type { Certificate, EntitySet } from '../../entities/types.ts';
import type { ProtocolOptions } from './cipher-suites.ts';
import type { KeyPair } from './default-certificate.ts';

export interface CertificateTable {
  /**
   * The context for a TLS server name, or null when only the default certificate applies.
   * `wantsEcdsa` is asked only for certificates with an alternative pair of the other key type.
   */
  select(servername: string, wantsEcdsa?: () => boolean): SecureContext | null;
  /** Names with a certificate (for diagnostics and tests). */
  readonly size: number;
}

export type CertificateEntities = Pick<EntitySet, 'certificates' | 'snis'>;

/** Certificate, key, protocol and cipher options of a context or of a TLS server's default context. */
export function secureContextOptions(pairs: readonly KeyPair[], protocol: ProtocolOptions): SecureContextOptions {
  return {
    cert: pairs.map((pair) => pair.cert),
    key: pairs.map((pair) => pair.key),
    minVersion: protocol.minVersion,
    maxVersion: protocol.maxVersion,
    ...(protocol.ciphers === undefined ? {} : { ciphers: protocol.ciphers }),
    honorCipherOrder: protocol.honorCipherOrder,
  };
}

/** A context for certificate/key pairs with the listener's protocol and cipher options. */
export function secureContextOf(pairs: readonly KeyPair[], protocol: ProtocolOptions): SecureContext {
  return createSecureContext(secureContextOptions(pairs, protocol));
}

/** The contexts of one certificate entity: by key type when it has an RSA and an ECDSA pair. */
interface Entry {
  primary: SecureContext;
  /** Set only for a dual RSA/ECDSA certificate. */
  ecdsa: SecureContext | null;
  rsa: SecureContext | null;
}

function isEcdsa(cert: string): boolean {
  return createPublicKey(cert).asymmetricKeyType === 'ec';
}

function entryOf(certificate: Certificate, protocol: ProtocolOptions): Entry {
  const primary = secureContextOf([{ cert: certificate.cert, key: certificate.key }], protocol);
  if (certificate.cert_alt === null || certificate.key_alt === null) return { primary, ecdsa: null, rsa: null };
  const alternative = secureContextOf([{ cert: certificate.cert_alt, key: certificate.key_alt }], protocol);
  return isEcdsa(certificate.cert) ? { primary, ecdsa: primary, rsa: alternative } : { primary, ecdsa: alternative, rsa: primary };
}

function contextOf(entry: Entry, wantsEcdsa: (() => boolean) | undefined): SecureContext {
  if (entry.ecdsa === null || entry.rsa === null || wantsEcdsa === undefined) return entry.primary;
  return wantsEcdsa() ? entry.ecdsa : entry.rsa;
}

/** Server names compare case-insensitively and a trailing dot is ignored (kong-core §3.2). */
export function normalizeServername(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** The two wildcard forms Kong tries for a name: `*.<rest>` and `<prefix>.*` (one label each). */
export function wildcardsOf(name: string): { leftmost: string | null; rightmost: string | null } {
  const first = name.indexOf('.');
  const last = name.lastIndexOf('.');
  return {
    leftmost: first === -1 ? null : `*${name.slice(first)}`,
    rightmost: last === -1 ? null : `${name.slice(0, last)}.*`,
  };
}

export function buildCertificateTable(
  entities: CertificateEntities, protocol: ProtocolOptions, onError: (certificateId: string, error: Error) => void = () => undefined,
): CertificateTable {
  const contexts = new Map<string, Entry>();
  for (const certificate of entities.certificates) {
    try {
      contexts.set(certificate.id, entryOf(certificate, protocol));
    } catch (error) {
      // Validated on write; a row that still fails (e.g. an unsupported key type) must not take
      // every other certificate down with it.
      onError(certificate.id, error as Error);
    }
  }
  const byName = new Map<string, Entry>();
  for (const sni of entities.snis) {
    const context = contexts.get(sni.certificate.id);
    if (context !== undefined) byName.set(normalizeServername(sni.name), context);
  }
  const catchAll = byName.get('*') ?? null;
  return {
    size: byName.size,
    select(servername: string, wantsEcdsa?: () => boolean): SecureContext | null {
      if (byName.size === 0) return null;
      const name = normalizeServername(servername);
      let entry = byName.get(name);
      if (entry === undefined) {
        const { leftmost, rightmost } = wildcardsOf(name);
        entry = (leftmost === null ? undefined : byName.get(leftmost))
          ?? (rightmost === null ? undefined : byName.get(rightmost))
          ?? catchAll ?? undefined;
      }
      return entry === undefined ? null : contextOf(entry, wantsEcdsa);
    },
  };
}

/** A table with no certificates (snapshots without certificate entities). */
export const EMPTY_CERTIFICATE_TABLE: CertificateTable = { size: 0, select: () => null };
