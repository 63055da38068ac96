// The pieces of kong/plugins/hmac-auth/access.lua that do not touch the request: parsing the
// `hmac username=…` parameters, the signing string, and the digest/date checks.
import { createHash, createHmac } from 'node:crypto';
import { compileSafeRegex } from '../../core/regex.ts';

export interface HmacParams {
  username: string;
  algorithm: string;
  headers: string[];
  signature: string;
}

// Kong's pattern, greedy groups included; on RE2 so a crafted header cannot backtrack for long.
const PARAMS = compileSafeRegex('\\s*[Hh]mac\\s*username="(.+)",\\s*algorithm="(.+)",\\s*headers="(.+)",\\s*signature="(.+)"');

/** retrieve_hmac_fields; null when the header does not carry all four parameters. */
export function parseHmacParams(header: string | undefined): HmacParams | null {
  if (header === undefined) return null;
  const match = PARAMS.exec(header, false);
  if (match === null) return null;
  const [username, algorithm, headers, signature] = match.groups as [string, string, string, string];
  return { username, algorithm, headers: headers.split(' ').filter((name) => name !== ''), signature };
}

/** Names of the request the signing string reads. */
export interface SigningRequest {
  method: string;
  pathWithQuery: string;
  httpVersion: number;
  header(name: string): string | undefined;
}

/** create_hash's signing string: one line per listed header, `name: value`, joined by `\n`. */
export function signingString(request: SigningRequest, headers: readonly string[]): string {
  return headers.map((name) => {
    const value = request.header(name);
    if (value !== undefined) return `${name}: ${value}`;
    if (name === '@request-target') return `${name}: ${request.method.toLowerCase()} ${request.pathWithQuery}`;
    // Kong formats the version with %.01f ("HTTP/1.1", "HTTP/2.0").
    if (name === 'request-line') return `${request.method} ${request.pathWithQuery} HTTP/${request.httpVersion.toFixed(1)}`;
    return `${name}:`;
  }).join('\n');
}

const DIGESTS: Record<string, string> = { 'hmac-sha1': 'sha1', 'hmac-sha256': 'sha256', 'hmac-sha384': 'sha384', 'hmac-sha512': 'sha512' };

/** The raw HMAC of the signing string (Kong compares it with the base64-decoded signature). */
export function hmacDigest(algorithm: string, secret: string, text: string): Buffer {
  return createHmac(DIGESTS[algorithm]!, secret).update(text).digest();
}

/** validate_body: `Digest: SHA-256=<base64>` must match the body; no Digest only for an empty body. */
export function bodyDigestMatches(digestHeader: string | undefined, body: Buffer): boolean {
  if (digestHeader === undefined) return body.length === 0;
  return digestHeader === `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
}

// ngx.parse_http_time's formats: RFC 1123, RFC 850 and asctime (not ISO 8601).
const HTTP_DATE = [
  /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Za-z]+, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/** validate_clock_skew for one header value: an HTTP date within `skew` seconds of now. */
export function dateWithinSkew(value: string | undefined, skew: number, nowMs = Date.now()): boolean {
  if (value === undefined || !HTTP_DATE.some((format) => format.test(value))) return false;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) return false;
  return Math.abs(Math.floor(nowMs / 1000) - Math.floor(parsed / 1000)) <= skew;
}
