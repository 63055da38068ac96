// ldap-auth — kong/plugins/ldap-auth/access.lua: `Authorization`/`Proxy-Authorization:
// <header_type> base64(user:password)` is checked by an LDAP bind; results (good and bad) are
// cached for cache_ttl under a key derived from the credentials. No consumer is attached, only
// the credential (X-Credential-Identifier = username). LDAP errors are 500s.
import { KONG_VERSION } from '../../core/version.ts';
import { authenticateAnonymous, definePlugin, setAuthenticatedConsumer, type Pdk } from '../../pdk/index.ts';
import { ldapBind, ldapCacheKey, type LdapConf } from './ldap.ts';
import { ldapAuthSchema } from './schema.ts';

interface LdapAuthConf extends LdapConf {
  hide_credentials: boolean;
  anonymous: string | null;
  header_type: string;
  realm: string | null;
}

/** retrieve_credentials: `<header_type> <base64>` (scheme case-insensitive) → user and non-empty password. */
export function retrieveCredentials(header: string, headerType: string): { username: string; password: string } | null {
  const prefix = new RegExp(`^\\s*${headerType.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+`);
  const match = prefix.exec(header.toLowerCase());
  if (match === null) return null;
  const encoded = header.slice(match[0].length);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  // Kong's "(.-):(.+)": up to the first colon, and a password that is not empty (an empty one
  // would be an unauthenticated LDAP bind, which servers accept).
  const colon = decoded.indexOf(':');
  if (colon === -1 || colon === decoded.length - 1) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function authenticateHeader(kong: Pdk, conf: LdapAuthConf, header: string): Promise<string | null> {
  const credentials = retrieveCredentials(header, conf.header_type);
  if (credentials === null) return null;
  const { username, password } = credentials;
  const ttl = conf.cache_ttl;
  // The cache key covers the password, so a hit is the answer for exactly these credentials.
  const result = await kong.cache.get(ldapCacheKey(conf, username, password), { ttl, neg_ttl: ttl, tables: [] },
    async () => ((await ldapBind(conf, username, password)) ? { username } : null));
  return result === null ? null : result.username;
}

async function authenticate(kong: Pdk, conf: LdapAuthConf): Promise<boolean> {
  const authorization = kong.request.get_header('authorization');
  const proxyAuthorization = kong.request.get_header('proxy-authorization');
  if (authorization === undefined && proxyAuthorization === undefined) return false;
  let username: string | null = null;
  if (proxyAuthorization !== undefined) username = await authenticateHeader(kong, conf, proxyAuthorization);
  if (username === null && authorization !== undefined) username = await authenticateHeader(kong, conf, authorization);
  if (username === null) return false;
  if (conf.hide_credentials) {
    kong.service.request.clear_header('Authorization');
    kong.service.request.clear_header('Proxy-Authorization');
  }
  setAuthenticatedConsumer(kong, null, { id: username, username }, username);
  return true;
}

export const plugin = definePlugin({
  name: 'ldap-auth',
  version: KONG_VERSION,
  priority: 1200,
  schema: ldapAuthSchema,
  async access(kong, rawConf) {
    const conf = rawConf as unknown as LdapAuthConf;
    if (conf.anonymous !== null && kong.client.get_credential() !== null) return;
    if (await authenticate(kong, conf)) return;
    if (conf.anonymous !== null) {
      await authenticateAnonymous(kong, conf.anonymous);
      return;
    }
    // RFC 7617: "ldap" is no registered scheme; Kong keeps answering it upper-cased.
    const scheme = conf.header_type === 'ldap' ? 'LDAP' : conf.header_type;
    kong.response.error(401, 'Unauthorized', { 'WWW-Authenticate': conf.realm !== null ? `${scheme} realm="${conf.realm}"` : scheme });
  },
});
