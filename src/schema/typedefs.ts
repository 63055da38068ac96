// Kong's typedefs (kong/db/schema/typedefs.lua): reusable field definitions with Kong's exact
// validators and messages. Call forms mirror Lua's `typedefs.x { … }` via withAttributes.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { withAttributes } from './define.ts';
import { normalizeIp, isIpOrCidr } from './hosts.ts';
import type { FieldDef } from './types.ts';

export const PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'tcp', 'tls', 'tls_passthrough', 'udp'] as const;
export const HTTP_PROTOCOLS = ['grpc', 'grpcs', 'http', 'https'] as const;
const MAX_TIMEOUT = 2 ** 31 - 2;

export function validateHost(host: string): true | string {
  const r = normalizeIp(host);
  if (!r.ok && r.error !== 'invalid port number') return `invalid value: ${host}`;
  if (!r.ok || r.value.port !== null) return 'must not have a port';
  return true;
}

export function validateHostWithOptionalPort(host: string): true | string {
  const r = normalizeIp(host);
  return r.ok ? true : `invalid value: ${host}`;
}

export function validateSni(host: string): true | string {
  const r = normalizeIp(host);
  if (!r.ok && r.error !== 'invalid port number') return `invalid value: ${host}`;
  if (r.type !== 'name') return 'must not be an IP';
  if (!r.ok || r.value.port !== null) return 'must not have a port';
  return true;
}

export function validateWildcardHost(host: string): true | string {
  let candidate = host;
  const idx = host.indexOf('*');
  if (idx !== -1) {
    if (idx !== 0 && idx !== host.length - 1) return 'wildcard must be leftmost or rightmost character';
    if (host.split('*').length > 2) return 'only one wildcard must be specified';
    candidate = host.replace('*', 'wildcard');
  }
  const r = normalizeIp(candidate);
  if (!r.ok && r.error !== 'invalid port number') return `invalid value: ${candidate}`;
  if (r.type !== 'name') return 'must not be an IP';
  if (!r.ok || r.value.port !== null) return 'must not have a port';
  return true;
}

const PATH_CHARS = /^[a-zA-Z0-9.\-_~%:/@!$&'()*+,;=]*$/;

/** validate_path: RFC 3986 characters only and well-formed `%XX` escapes. */
export function validatePath(path: string): true | string {
  if (!PATH_CHARS.test(path)) {
    return `invalid path: '${path}' (characters outside of the reserved list of RFC 3986 found)`;
  }
  return validatePercentEncoding(path);
}

export function validatePercentEncoding(path: string): true | string {
  const raw = path.replace(/%[0-9A-Fa-f]{2}/g, '___');
  const at = raw.indexOf('%');
  if (at !== -1) return `invalid url-encoded value: '${raw.slice(at, at + 3)}'`;
  return true;
}

export function validateTag(tag: string): true | string {
  // Printable ASCII except `,` and `/`, plus any non-ASCII (UTF-8 multibyte) character.
  if (!/^[ !-+\-.0-~\u0080-\u{10FFFF}]+$/u.test(tag) || !tag.isWellFormed()) {
    return `invalid tag '${tag}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`;
  }
  return true;
}

export function validateUtf8Name(name: string): true | string {
  if (!/^[A-Za-z0-9.\-_~\u0080-\u{10FFFF}]+$/u.test(name) || !name.isWellFormed()) {
    return `invalid value '${name}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`;
  }
  return true;
}

export function validateHeaderName(name: string): true | string {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    return `bad header name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`;
  }
  return true;
}

export function validateCertificate(pem: string): true | string {
  try {
    new X509Certificate(pem);
    return true;
  } catch (err) {
    return `invalid certificate: ${(err as Error).message}`;
  }
}

export function validateKey(pem: string): true | string {
  try {
    createPrivateKey(pem);
    return true;
  } catch (err) {
    return `invalid key: ${(err as Error).message}`;
  }
}

export function validateUrl(url: string): true | string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(url);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url)) return 'missing scheme in url';
  if (!m || m[2] === '') return 'missing host in url';
  return true;
}

export const typedefs = {
  uuid: { type: 'string', uuid: true, auto: true },
  auto_timestamp_s: { type: 'integer', timestamp: true, auto: true },
  auto_timestamp_ms: { type: 'number', timestamp: true, auto: true },
  http_method: { type: 'string', match: '^%u+$' },
  protocol: { type: 'string', one_of: PROTOCOLS },
  host: { type: 'string', custom_validator: validateHost },
  host_with_optional_port: { type: 'string', custom_validator: validateHostWithOptionalPort },
  wildcard_host: { type: 'string', custom_validator: validateWildcardHost },
  sni: { type: 'string', custom_validator: validateSni },
  ip_or_cidr: {
    type: 'string',
    custom_validator: (v: string) => isIpOrCidr(v) || `invalid ip or cidr range: '${v}'`,
  },
  port: { type: 'integer', between: [0, 65535] },
  path: {
    type: 'string', starts_with: '/',
    match_none: [{ pattern: '//', err: 'must not have empty segments' }],
    custom_validator: validatePath,
  },
  url: { type: 'string', custom_validator: validateUrl },
  header_name: { type: 'string', custom_validator: validateHeaderName },
  timeout: { type: 'integer', between: [0, MAX_TIMEOUT] },
  nonzero_timeout: { type: 'integer', between: [1, MAX_TIMEOUT] },
  utf8_name: { type: 'string', unique: true, custom_validator: validateUtf8Name },
  tags: { type: 'set', elements: { type: 'string', required: true, custom_validator: validateTag } },
  certificate: { type: 'string', custom_validator: validateCertificate },
  key: { type: 'string', custom_validator: validateKey },
  protocols: {
    type: 'set', required: true, default: ['http', 'https'], elements: { type: 'string', one_of: PROTOCOLS },
  },
  protocols_http: {
    type: 'set', required: true, default: [...HTTP_PROTOCOLS], elements: { type: 'string', one_of: HTTP_PROTOCOLS },
  },
  no_consumer: { type: 'foreign', reference: 'consumers', eq: null },
  no_route: { type: 'foreign', reference: 'routes', eq: null },
  no_service: { type: 'foreign', reference: 'services', eq: null },
  headers: {
    type: 'map', keys: { type: 'string', custom_validator: validateHeaderName },
    values: { type: 'array', elements: { type: 'string' } },
  },
} as const satisfies Record<string, FieldDef>;

/** `typedefs.x { overrides }`. */
export function typedef<K extends keyof typeof typedefs, const O extends Partial<FieldDef>>(
  name: K, overrides: O,
): Omit<(typeof typedefs)[K], keyof O> & O {
  return withAttributes(typedefs[name], overrides);
}
