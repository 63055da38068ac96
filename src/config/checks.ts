// Validators for structured properties and the cross-property rules of Kong's conf_loader
// (kong/conf_loader/init.lua check_and_parse), with Kong's wording where Kong has one.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Settings } from './types.ts';
import { SettingsError, invalidValue } from './errors.ts';
import { parseList } from './values.ts';

// Kong's HEADER_KEY_TO_NAME (constants.lua), lower-cased.
const DOWNSTREAM_HEADER_TOKENS = new Set([
  'server_tokens', 'latency_tokens', 'via', 'server', 'x-kong-proxy-latency', 'x-kong-response-latency',
  'x-kong-admin-latency', 'x-kong-upstream-latency', 'x-kong-upstream-status', 'x-kong-request-id',
]);
const UPSTREAM_HEADER_TOKENS = new Set(['x-kong-request-id']);

/** `headers` / `headers_upstream`: lower-cased tokens; `off` (alone) → []. */
export function parseHeaderTokens(name: 'headers' | 'headers_upstream', value: string | undefined): string[] {
  const tokens = parseList(value ?? '').map((token) => token.toLowerCase());
  if (tokens.includes('off')) {
    if (tokens.length > 1) throw invalidValue(name, `'off' cannot be combined with other values`);
    return [];
  }
  const allowed = name === 'headers' ? DOWNSTREAM_HEADER_TOKENS : UPSTREAM_HEADER_TOKENS;
  for (const token of tokens) {
    if (!allowed.has(token)) throw invalidValue(name, `invalid entry '${token}'`);
  }
  return [...new Set(tokens)];
}

/** `trusted_ips`: IPv4/IPv6 addresses, CIDR blocks, or the literal `unix:`. */
export function parseTrustedIps(value: string | undefined): string[] {
  const entries = parseList(value ?? '');
  for (const entry of entries) {
    if (entry === 'unix:') continue;
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !validBits || extra !== undefined) {
      throw invalidValue('trusted_ips', 'must be a comma separated list in the form of IPv4 or IPv6 address '
        + `or CIDR block or 'unix:', got '${entry}'`);
    }
  }
  return entries;
}

// Kong 3.x accepts each certificate/key as a file path, inline PEM, or base64-encoded PEM.
export function isInlinePem(value: string): boolean {
  if (value.includes('-----BEGIN')) return true;
  if (!/^[A-Za-z0-9+/=\s]+$/.test(value) || value.length < 64) return false;
  return Buffer.from(value, 'base64').toString('latin1').includes('-----BEGIN');
}

function checkCertificateSource(name: string, value: string): void {
  if (!isInlinePem(value) && !existsSync(value)) throw invalidValue(name, `no such file at ${value}`);
}

/** `<prefix>ssl_cert` and `<prefix>ssl_cert_key` must come in pairs that exist. */
function checkCertificatePairs(prefix: string, certs: string[], keys: string[]): void {
  const certName = `${prefix}ssl_cert`;
  const keyName = `${prefix}ssl_cert_key`;
  if (certs.length > 0 && keys.length === 0) throw new SettingsError(`${keyName} must be specified`, keyName);
  if (keys.length > 0 && certs.length === 0) throw new SettingsError(`${certName} must be specified`, certName);
  if (certs.length !== keys.length) {
    throw new SettingsError(`${certName} and ${keyName} must have the same number of entries`, certName);
  }
  for (const cert of certs) checkCertificateSource(certName, cert);
  for (const key of keys) checkCertificateSource(keyName, key);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/**
 * An Admin API reachable from the network lets anyone create services pointing anywhere (SSRF) and
 * read every credential; Kong only advises against it, Portico refuses it without authentication.
 */
function checkAdminExposure(settings: Settings): void {
  if (settings.admin_auth_token !== null || settings.admin_auth_password !== null) return;
  const exposed = settings.admin_listen.find((listen) => !isLoopback(listen.host));
  if (exposed) {
    const address = exposed.host.includes(':') ? `[${exposed.host}]` : exposed.host;
    throw invalidValue('admin_listen', `${address}:${exposed.port} is not a loopback address and the Admin API `
      + 'has no authentication; keep it on 127.0.0.1, or set admin_auth_token (or admin_auth_password) '
      + 'so every Admin API request must authenticate');
  }
}

/** Rules spanning several properties; run once Settings is built. */
export function checkCrossProperties(settings: Settings): void {
  checkAdminExposure(settings);
  if (settings.database !== 'off') {
    for (const name of ['declarative_config', 'declarative_config_string'] as const) {
      if (settings[name] !== null) {
        throw invalidValue(name, `can only be used with database = off (database is '${settings.database}')`);
      }
    }
  }
  if (settings.role === 'data_plane' && settings.database !== 'off') {
    throw new SettingsError('only in-memory storage can be used when role = "data_plane"\n'
      + 'Hint: set database = off in your kong.conf', 'database');
  }
  if (settings.role === 'control_plane' && settings.database === 'off') {
    throw new SettingsError('in-memory storage can not be used when role = "control_plane"', 'database');
  }
  if (settings.role !== 'traditional') {
    if (settings.cluster_cert === null || settings.cluster_cert_key === null) {
      throw new SettingsError('cluster certificate and key must be provided to use Hybrid mode', 'cluster_cert');
    }
    checkCertificateSource('cluster_cert', settings.cluster_cert);
    checkCertificateSource('cluster_cert_key', settings.cluster_cert_key);
    if (settings.role === 'control_plane' && settings.cluster_mtls === 'pki' && settings.cluster_ca_cert === null) {
      throw new SettingsError('cluster_ca_cert must be specified when cluster_mtls = "pki"', 'cluster_ca_cert');
    }
  }
  if (settings.ssl_cipher_suite === 'custom' && settings.ssl_ciphers === null) {
    throw invalidValue('ssl_ciphers', 'must be specified when ssl_cipher_suite = custom');
  }
  checkCertificatePairs('', settings.ssl_cert, settings.ssl_cert_key);
  checkCertificatePairs('admin_', settings.admin_ssl_cert, settings.admin_ssl_cert_key);
  checkCertificatePairs('admin_gui_', settings.admin_gui_ssl_cert, settings.admin_gui_ssl_cert_key);
  checkCertificatePairs('status_', settings.status_ssl_cert, settings.status_ssl_cert_key);
}
