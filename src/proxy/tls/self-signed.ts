// A self-signed X.509 certificate built with node:crypto alone (DER by hand, RFC 5280 §4.1), so
// the default certificate needs no `openssl` binary (slim runtime images have none). Only what
// Kong's default certificate carries: subject = issuer, validity, the public key; no extensions.
import { randomBytes, sign, type KeyObject } from 'node:crypto';

function length(size: number): Buffer {
  if (size < 0x80) return Buffer.from([size]);
  const bytes: number[] = [];
  for (let rest = size; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...content: Buffer[]): Buffer => tlv(0x30, ...content);

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let rest = part >> 7; rest > 0; rest >>= 7) chunk.unshift(0x80 | (rest & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  // UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5).
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

const NAME_OIDS: Record<string, string> = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };

/** `/C=US/ST=…/CN=localhost` → DER Name. */
function name(subject: string): Buffer {
  const parts = subject.split('/').filter((part) => part !== '').map((part) => {
    const [key, value] = [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)];
    const type = NAME_OIDS[key];
    if (type === undefined) throw new Error(`unsupported subject attribute ${key}`);
    // countryName is a PrintableString; the rest UTF8String.
    return tlv(0x31, sequence(oid(type), tlv(key === 'C' ? 0x13 : 0x0c, Buffer.from(value, 'utf8'))));
  });
  return sequence(...parts);
}

/**
 * A random serial as DER INTEGER content: positive (top bit clear) and minimal. A leading zero
 * byte before one under 0x80 is padding DER forbids; OpenSSL then refused the whole certificate
 * ("illegal padding"), about once in 256 generated certificates.
 */
export function certificateSerial(random: Buffer): Buffer {
  const serial = Buffer.from(random);
  serial[0] = (serial[0]! & 0x7f) || 0x01;
  return serial;
}

/** PEM of a self-signed certificate for `privateKey` (RSA or EC), SHA-256 signed. */
export function selfSignedCertificate(
  privateKey: KeyObject, publicKey: KeyObject, subject: string, validDays: number, random: Buffer = randomBytes(16),
): string {
  const rsa = privateKey.asymmetricKeyType === 'rsa';
  const algorithm = rsa ? sequence(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00])) : sequence(oid('1.2.840.10045.4.3.2'));
  const serial = certificateSerial(random);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + validDays * 86_400_000);
  const issuer = name(subject);
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([0x02]))), // version v3
    tlv(0x02, serial),
    algorithm,
    issuer,
    sequence(time(notBefore), time(notAfter)),
    issuer,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, algorithm, tlv(0x03, Buffer.from([0x00]), signature));
  const base64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}
