// basic-auth — kong/plugins/basic-auth/access.lua: credentials from Proxy-Authorization, then
// Authorization (`Basic base64(user:pass)`), the credential looked up by username through
// kong.cache, the password checked against its stored hash in constant time (password.ts).
// Every failure is the same 401 "Unauthorized" with `WWW-Authenticate: Basic realm="<realm>"`.
import { KONG_VERSION } from '../../core/version.ts';
import type { Consumer } from '../../entities/types.ts';
import {
  authenticateAnonymous, definePlugin, foreignId, loadConsumerCached, setAuthenticatedConsumer,
  type ConfOf, type Credential, type Pdk,
} from '../../pdk/index.ts';
import { basicauthCredentials } from './daos.ts';
import { dummyVerification, hashPassword, RecentLogins, verifyPassword } from './password.ts';
import { basicAuthSchema } from './schema.ts';

type BasicAuthConf = ConfOf<typeof basicAuthSchema>;

const recentLogins = new RecentLogins();
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Kong's retrieve_credentials: `\s*[Bb]asic\s*(.+)` (unanchored), base64, `([^:]+):(.*)`. */
export function parseBasicAuthorization(header: string | undefined): { username: string; password: string } | null {
  if (header === undefined) return null;
  const encoded = /\s*[Bb]asic\s*(.+)/.exec(header)?.[1]?.trim();
  if (encoded === undefined || !BASE64.test(encoded)) return null;
  const parts = /([^:]+):(.*)/.exec(Buffer.from(encoded, 'base64').toString('utf8'));
  return parts === null ? null : { username: parts[1]!, password: parts[2]! };
}

function credentialsFrom(kong: Pdk, conf: BasicAuthConf, header: string): { username: string; password: string } | null {
  const parsed = parseBasicAuthorization(kong.request.get_header(header));
  if (conf.hide_credentials) kong.service.request.clear_header(header);
  return parsed;
}

function loadCredential(kong: Pdk, username: string): Promise<Credential | null> {
  return kong.cache.get<Credential>(kong.cache.cache_key('basicauth_credentials', username), null,
    () => kong.db.selectByUnique('basicauth_credentials', 'username', username));
}

/** Replaces a Kong SHA-1 hash by scrypt after a successful login with it (best effort). */
async function upgradeLegacyHash(kong: Pdk, credential: Credential, password: string): Promise<void> {
  try {
    await kong.db.update('basicauth_credentials', credential.id, { ...credential, password: hashPassword(password) });
    kong.cache.invalidate(kong.cache.cache_key('basicauth_credentials', String(credential.username)));
  } catch (error) {
    kong.log.debug('could not upgrade a legacy password hash: ', (error as Error).message);
  }
}

async function passwordMatches(kong: Pdk, credential: Credential, password: string): Promise<boolean> {
  const stored = credential.password;
  if (typeof stored === 'string' && recentLogins.has(credential.id, stored, password)) return true;
  const { ok, legacy } = await verifyPassword(stored, password, foreignId(credential.consumer) ?? '');
  if (!ok) return false;
  if (legacy) await upgradeLegacyHash(kong, credential, password);
  else recentLogins.add(credential.id, stored as string, password);
  return true;
}

async function authenticate(kong: Pdk, conf: BasicAuthConf): Promise<boolean> {
  if (kong.request.get_header('authorization') === undefined && kong.request.get_header('proxy-authorization') === undefined) return false;
  let given = credentialsFrom(kong, conf, 'proxy-authorization');
  let credential = given === null ? null : await loadCredential(kong, given.username);
  if (credential === null) {
    given = credentialsFrom(kong, conf, 'authorization');
    if (given === null) return false;
    credential = await loadCredential(kong, given.username);
  }
  if (credential === null) {
    await dummyVerification(given!.password);
    return false;
  }
  if (!(await passwordMatches(kong, credential, given!.password))) return false;
  const consumerId = foreignId(credential.consumer);
  const consumer: Consumer | null = consumerId === null ? null : await loadConsumerCached(kong, consumerId);
  // The stored hash never travels further than this plugin (kong.client.get_credential, logs).
  const { password: _hidden, ...visible } = credential;
  setAuthenticatedConsumer(kong, consumer, visible as Credential, String(credential.username));
  return true;
}

export const plugin = definePlugin({
  name: 'basic-auth',
  version: KONG_VERSION,
  priority: 1100,
  schema: basicAuthSchema,
  daos: [basicauthCredentials],
  async access(kong, conf) {
    if (conf.anonymous !== null && kong.client.get_credential() !== null) return;
    if (await authenticate(kong, conf)) return;
    if (conf.anonymous !== null) return authenticateAnonymous(kong, conf.anonymous);
    kong.response.error(401, 'Unauthorized', { 'WWW-Authenticate': `Basic realm="${conf.realm}"` });
  },
});
