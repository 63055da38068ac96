// key-auth — kong/plugins/key-auth/handler.lua: finds an API key in the configured headers,
// query arguments or body fields, looks its credential up through kong.cache (keyed like Kong's
// `keyauth_credentials:cache_key(key)`, dropped when credentials change) and authenticates its
// consumer; `anonymous` turns a failure into the anonymous consumer (logical OR with other auth).
// The key itself is the lookup key (a hash-map hit, not a string comparison), so no timing
// difference tells a near-miss from a miss.
import { KONG_VERSION } from '../../core/version.ts';
import type { Consumer } from '../../entities/types.ts';
import {
  authenticateAnonymous, cachedConsumer, definePlugin, foreignId, headerKey, loadConsumerCached, setAuthenticatedConsumer,
  type ConfOf, type Credential, type Pdk,
} from '../../pdk/index.ts';
import { keyauthCredentials } from './daos.ts';
import { keyAuthSchema } from './schema.ts';

type KeyAuthConf = ConfOf<typeof keyAuthSchema>;
interface Failure { status: number; message: string }

const NO_API_KEY: Failure = { status: 401, message: 'No API key found in request' };
const INVALID_CREDENTIAL: Failure = { status: 401, message: 'Unauthorized' };
const DUPLICATE_API_KEY: Failure = { status: 401, message: 'Duplicate API key found' };

/** Kong answers `WWW-Authenticate: Key` (with the realm when one is configured). */
function wwwAuthenticate(conf: KeyAuthConf): string {
  return conf.realm === null ? 'Key' : `Key realm="${conf.realm}"`;
}

/** Kong's `keyauth_credentials:cache_key(key)`: dropped when credentials change. */
function credentialCacheKey(kong: Pdk, key: string): string {
  return kong.cache.cache_key('keyauth_credentials', key);
}

async function loadCredential(kong: Pdk, key: string): Promise<Credential | null> {
  const cacheKey = credentialCacheKey(kong, key);
  let ttl: number | undefined;
  const credential = await kong.cache.get<Credential>(cacheKey, null, async () => {
    const row = await kong.db.selectByUnique('keyauth_credentials', 'key', key);
    // A row whose ttl reached 0 is expired (Kong's load_credential); a live ttl bounds the cache.
    if (row === null || row.ttl === 0) return null;
    if (typeof row.ttl === 'number') ttl = row.ttl;
    return row;
  });
  if (ttl !== undefined && credential !== null) kong.cache.set(cacheKey, credential, { ttl });
  return credential;
}

/** Request parts read at most once per request, on first need. */
interface KeySources { headers: Record<string, string | string[]> | null; body: Record<string, unknown> | null }

/** One key name's value in the headers or the query string, where enabled (no await needed). */
function keyInHeaderOrQuery(kong: Pdk, conf: KeyAuthConf, name: string, state: KeySources): unknown {
  let value: unknown;
  if (conf.key_in_header) {
    state.headers ??= kong.request.get_headers();
    value = state.headers[headerKey(name)];
  }
  if (value === undefined && conf.key_in_query) value = kong.request.get_query()[name];
  return value;
}

/** The first string value of one key name, per the enabled sources (header, query, body). */
async function findKey(kong: Pdk, conf: KeyAuthConf, name: string, state: KeySources): Promise<unknown> {
  let value = keyInHeaderOrQuery(kong, conf, name, state);
  if (value === undefined && conf.key_in_body) {
    if (state.body === null) {
      const body = await kong.request.get_body();
      state.body = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
    }
    value = state.body[name];
  }
  return value;
}

function hideKey(kong: Pdk, conf: KeyAuthConf, name: string, body: Record<string, unknown> | null): void {
  const query = { ...kong.request.get_query() };
  delete query[name];
  kong.service.request.set_query(query);
  kong.service.request.clear_header(name);
  if (conf.key_in_body && body !== null) {
    const rest = { ...body };
    delete rest[name];
    kong.service.request.set_body(rest);
  }
}

async function authenticate(kong: Pdk, conf: KeyAuthConf): Promise<Failure | null> {
  const state: KeySources = { headers: null, body: null };
  let key: string | null = null;
  for (const name of conf.key_names) {
    const value = await findKey(kong, conf, name, state);
    if (typeof value === 'string') {
      key = value;
      if (conf.hide_credentials) hideKey(kong, conf, name, state.body);
      break;
    }
    if (Array.isArray(value)) return DUPLICATE_API_KEY;
  }
  if (key === null || key === '') return NO_API_KEY;

  const credential = await loadCredential(kong, key);
  if (credential === null) return INVALID_CREDENTIAL;
  const consumerId = foreignId(credential.consumer);
  const consumer: Consumer | null = consumerId === null ? null : await loadConsumerCached(kong, consumerId);
  setAuthenticatedConsumer(kong, consumer, credential, credential.id);
  return null;
}

/**
 * The whole authentication without awaiting, when everything is at hand: the key in a header or
 * the query string, its credential and consumer already in kong.cache (every request after the
 * first). undefined sends the request the asynchronous way (a body to read, a cache miss). An
 * async handler costs every request a chain of promises, which showed up in the plugin's cost.
 */
function authenticateNow(kong: Pdk, conf: KeyAuthConf): Failure | null | undefined {
  if (conf.key_in_body) return undefined;
  const state: KeySources = { headers: null, body: null };
  let key: string | null = null;
  let keyName = '';
  for (const name of conf.key_names) {
    const value = keyInHeaderOrQuery(kong, conf, name, state);
    if (typeof value === 'string') {
      key = value;
      keyName = name;
      break;
    }
    if (Array.isArray(value)) return DUPLICATE_API_KEY;
  }
  if (key === null || key === '') return NO_API_KEY;
  const [known, cached] = kong.cache.probe(credentialCacheKey(kong, key));
  if (!known) return undefined;
  // As the asynchronous way does, before the credential is judged (anonymous may still pass the
  // request on); if it falls back to that way below, hiding again changes nothing.
  if (conf.hide_credentials) hideKey(kong, conf, keyName, null);
  const credential = cached as Credential | null;
  if (credential === null) return INVALID_CREDENTIAL;
  const consumerId = foreignId(credential.consumer);
  let consumer: Consumer | null = null;
  if (consumerId !== null) {
    const [found, cachedOne] = cachedConsumer(kong, consumerId);
    if (!found) return undefined;
    consumer = cachedOne;
  }
  setAuthenticatedConsumer(kong, consumer, credential, credential.id);
  return null;
}

function conclude(kong: Pdk, conf: KeyAuthConf, failure: Failure | null): Promise<void> | undefined {
  if (failure === null) return undefined;
  if (conf.anonymous !== null) return authenticateAnonymous(kong, conf.anonymous);
  kong.response.error(failure.status, failure.message, { 'WWW-Authenticate': wwwAuthenticate(conf) });
  return undefined;
}

export const plugin = definePlugin({
  name: 'key-auth',
  version: KONG_VERSION,
  priority: 1250,
  schema: keyAuthSchema,
  daos: [keyauthCredentials],
  access(kong, conf) {
    if (!conf.run_on_preflight && kong.request.get_method() === 'OPTIONS') return undefined;
    // Already authenticated by an earlier plugin and configured with anonymous: logical OR, done.
    if (conf.anonymous !== null && kong.client.get_credential() !== null) return undefined;
    const now = authenticateNow(kong, conf);
    if (now !== undefined) return conclude(kong, conf, now);
    return authenticate(kong, conf).then((failure) => conclude(kong, conf, failure));
  },
});
