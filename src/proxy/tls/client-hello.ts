// Just enough of a TLS ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) to tell whether the
// client can take an ECDSA certificate. node:tls installs a single certificate/key pair when the
// SNI callback switches contexts, so a certificate entity with an RSA `cert` and an ECDSA
// `cert_alt` (kong-core §1.7) is served as two contexts, chosen here the way OpenSSL would choose
// between two pairs of one context: ECDSA when the client's signature algorithms (and, below
// TLS 1.3, cipher suites) allow it, else RSA.
import type { Socket } from 'node:net';
import { peekSocket } from './socket-peek.ts';

const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const EXT_SIGNATURE_ALGORITHMS = 13;
const EXT_SUPPORTED_VERSIONS = 43;
/** Largest TLS record plaintext plus header: a ClientHello beyond this is not peeked at. */
const MAX_RECORD = 16384 + 5;

export interface HelloFacts {
  /** The client lists an ECDSA signature scheme (or sent no signature_algorithms at all). */
  ecdsaSignatures: boolean;
  /** The client offers TLS 1.3. */
  tls13: boolean;
  /** The client offers an ECDHE_ECDSA cipher suite (TLS ≤ 1.2). */
  ecdsaSuites: boolean;
}

function isEcdsaSuite(high: number, low: number): boolean {
  if (high === 0xcc) return low === 0xa9; // ECDHE-ECDSA-CHACHA20-POLY1305
  if (high !== 0xc0) return false;
  return (low >= 0x06 && low <= 0x0a) || low === 0x23 || low === 0x24 || low === 0x2b || low === 0x2c || (low >= 0xac && low <= 0xaf);
}

/** Parses the first handshake record; null when it is not a (complete) ClientHello. */
export function parseClientHello(data: Buffer): HelloFacts | null {
  if (data.length < 9 || data[0] !== HANDSHAKE || data[5] !== CLIENT_HELLO) return null;
  const end = Math.min(data.length, 5 + data.readUInt16BE(3));
  let at = 9 + 2 + 32; // handshake header, legacy_version, random
  if (at >= end) return null;
  at += 1 + data[at]!; // session id
  if (at + 2 > end) return null;
  const suitesLength = data.readUInt16BE(at);
  at += 2;
  let ecdsaSuites = false;
  for (let index = at; index + 1 < at + suitesLength && index + 1 < end; index += 2) {
    if (isEcdsaSuite(data[index]!, data[index + 1]!)) { ecdsaSuites = true; break; }
  }
  at += suitesLength;
  if (at >= end) return null;
  at += 1 + data[at]!; // compression methods
  const facts: HelloFacts = { ecdsaSignatures: true, tls13: false, ecdsaSuites };
  if (at + 2 > end) return facts;
  const extensionsEnd = Math.min(end, at + 2 + data.readUInt16BE(at));
  at += 2;
  while (at + 4 <= extensionsEnd) {
    const type = data.readUInt16BE(at);
    const length = data.readUInt16BE(at + 2);
    const body = at + 4;
    if (body + length > extensionsEnd) break;
    if (type === EXT_SIGNATURE_ALGORITHMS && length >= 2) {
      facts.ecdsaSignatures = false;
      for (let index = body + 2; index + 1 < body + length; index += 2) {
        // ecdsa_secp*_sha* (0x0403/0x0503/0x0603) and TLS 1.2 hash/ecdsa pairs (0x0203…).
        if (data[index + 1] === 0x03 && data[index]! >= 0x02 && data[index]! <= 0x06) { facts.ecdsaSignatures = true; break; }
      }
    } else if (type === EXT_SUPPORTED_VERSIONS && length >= 1) {
      for (let index = body + 1; index + 1 < body + length; index += 2) {
        if (data[index] === 0x03 && data[index + 1] === 0x04) facts.tls13 = true;
      }
    }
    at = body + length;
  }
  return facts;
}

/** Whether an ECDSA certificate suits this client on a server allowing up to `maxTls13`. */
export function prefersEcdsa(facts: HelloFacts | null, serverAllowsTls13: boolean): boolean {
  if (facts === null) return false;
  if (!facts.ecdsaSignatures) return false;
  return (facts.tls13 && serverAllowsTls13) || facts.ecdsaSuites;
}

const HELLO = Symbol('portico.clientHello');

type PeekedSocket = Socket & { [HELLO]?: Buffer };

/**
 * Reads the first TLS record off a fresh connection, puts it back, and calls `next` — the TLS
 * server's own connection handler then reads it as usual. Gives up (and hands over) after
 * `timeoutMs` or at the size cap, so a slow or odd client costs nothing extra.
 */
export function peekClientHello(socket: Socket, timeoutMs: number, next: () => void): void {
  peekSocket(socket, timeoutMs, (buffered) => buffered[0] !== HANDSHAKE || buffered.length >= MAX_RECORD
    || (buffered.length >= 5 && buffered.length >= 5 + buffered.readUInt16BE(3)), (buffered) => {
    (socket as PeekedSocket)[HELLO] = buffered;
    next();
  });
}

/** The peeked ClientHello facts of the raw socket under a server-side TLS socket. */
export function helloOf(tlsSocket: unknown): HelloFacts | null {
  const parent = (tlsSocket as { _parent?: PeekedSocket } | null)?._parent;
  const raw = parent?.[HELLO];
  return raw === undefined ? null : parseClientHello(raw);
}
