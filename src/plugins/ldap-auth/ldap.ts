// The LDAP side of ldap-auth (kong/plugins/ldap-auth/access.lua ldap_authenticate): a simple bind
// as `<attribute>=<user>,<base_dn>` over TCP, LDAPS or StartTLS, through the `ldapts` client.
// Unlike Kong the user name is escaped as an RFC 4514 attribute value, so a name containing
// `,` or `=` cannot bind as a different DN.
import { createHash } from 'node:crypto';
// ldapts is loaded on the first bind, not when the plugin registers.
let ldapts: Promise<typeof import('ldapts')> | null = null;
const loadLdapts = (): Promise<typeof import('ldapts')> => (ldapts ??= import('ldapts'));

export interface LdapConf {
  ldap_host: string;
  ldap_port: number;
  ldaps: boolean;
  start_tls: boolean;
  verify_ldap_host: boolean;
  base_dn: string;
  attribute: string;
  cache_ttl: number;
  timeout: number | null;
}

/** RFC 4514 §2.4 escaping of an attribute value. */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=\u0000]/g, (char) => (char === '\u0000' ? '\\00' : `\\${char}`));
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** Kong's cache key: `ldap_auth_cache:` + SHA-256 hex of host, port, base_dn, attribute, cache_ttl, user, password. */
export function ldapCacheKey(conf: LdapConf, username: string, password: string): string {
  const material = `${conf.ldap_host.toLowerCase()}:${conf.ldap_port}:${conf.base_dn}:${conf.attribute}:${conf.cache_ttl}:${username}:${password}`;
  return `ldap_auth_cache:${createHash('sha256').update(material).digest('hex')}`;
}

/**
 * Binds once: true for a successful bind, false for rejected credentials; connection and other
 * LDAP failures throw (Kong answers those with a 500).
 */
export async function ldapBind(conf: LdapConf, username: string, password: string): Promise<boolean> {
  const tlsOptions = { servername: conf.ldap_host, rejectUnauthorized: conf.verify_ldap_host };
  const timeout = conf.timeout ?? 10000;
  const { Client, InvalidCredentialsError } = await loadLdapts();
  const client = new Client({
    url: `${conf.ldaps ? 'ldaps' : 'ldap'}://${conf.ldap_host}:${conf.ldap_port}`,
    timeout, connectTimeout: timeout, ...(conf.ldaps ? { tlsOptions } : {}),
  });
  try {
    if (conf.start_tls) await client.startTLS(tlsOptions);
    await client.bind(`${conf.attribute}=${escapeDnValue(username)},${conf.base_dn}`, password);
    return true;
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return false;
    throw error;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
