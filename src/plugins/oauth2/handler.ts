// oauth2 — kong/plugins/oauth2/access.lua: requests whose path ends in /oauth2/token or
// /oauth2/authorize are answered by the plugin itself (POST only); every other request must
// carry an access token (header `Bearer|token <t>` or `access_token` parameter) issued for this
// service (or global with global_credentials) that has not expired.
import { KONG_VERSION } from '../../core/version.ts';
import {
  authenticateAnonymous, definePlugin, foreignId, loadConsumerCached, setAuthenticatedConsumer, type Credential, type DbRow, type Pdk,
} from '../../pdk/index.ts';
import { authorize } from './authorize.ts';
import type { OAuth2Conf } from './conf.ts';
import { oauth2AuthorizationCodesDao, oauth2CredentialsDao, oauth2TokensDao } from './daos.ts';
import { retrieveParameters } from './params.ts';
import { oauth2Schema } from './schema.ts';
import { issueToken } from './token-endpoint.ts';

const INVALID_TOKEN = 'The access token is invalid or has expired';

interface Failure { status: number; body: Record<string, string>; challenge: string }

/** parse_access_token (with hide_credentials removing it from where it was found). */
async function parseAccessToken(kong: Pdk, conf: OAuth2Conf): Promise<string | undefined> {
  const header = kong.request.get_header(conf.auth_header_name);
  if (header !== undefined) {
    const parts = header.split(/\s+/).filter((part) => part !== '');
    if (parts.length === 2 && ['token', 'bearer'].includes(parts[0]!.toLowerCase())) {
      if (conf.hide_credentials) kong.service.request.clear_header(conf.auth_header_name);
      return parts[1];
    }
    // Kong keeps the unparsed header value as the "token": it will not be found.
    return header;
  }
  const token = (await retrieveParameters(kong)).access_token;
  if (typeof token !== 'string') return undefined;
  if (conf.hide_credentials) {
    const query = { ...kong.request.get_query() };
    delete query.access_token;
    kong.service.request.set_query(query);
    const contentType = kong.request.get_header('content-type') ?? '';
    if (kong.request.get_method() !== 'GET' && contentType.includes('application/x-www-form-urlencoded')) {
      const body = { ...((await kong.request.get_body()) as Record<string, unknown> | null ?? {}) };
      delete body.access_token;
      kong.service.request.set_body(body as Parameters<typeof kong.service.request.set_body>[0]);
    }
  }
  return token;
}

async function authenticate(kong: Pdk, conf: OAuth2Conf): Promise<Failure | null> {
  const base = conf.realm !== null ? `Bearer realm="${conf.realm}"` : 'Bearer';
  const invalid: Failure = {
    status: 401, body: { error: 'invalid_token', error_description: INVALID_TOKEN },
    challenge: `${conf.realm !== null ? `${base}, ` : 'Bearer '}error="invalid_token", error_description="${INVALID_TOKEN}"`,
  };
  const accessToken = await parseAccessToken(kong, conf);
  if (accessToken === undefined || accessToken === '') {
    return { status: 401, body: { error: 'invalid_request', error_description: 'The access token is missing' }, challenge: base };
  }
  const token = await kong.cache.get(kong.cache.cache_key('oauth2_tokens', accessToken), null,
    () => kong.db.selectByUnique('oauth2_tokens', 'access_token', accessToken));
  if (token === null) return invalid;
  const tokenService = foreignId(token.service);
  if (tokenService === null && !conf.global_credentials) {
    return {
      ...invalid,
      body: { error: 'invalid_token', error_description: "The access token is global, but the current plugin is configured without 'global_credentials'" },
    };
  }
  if (tokenService !== null && tokenService !== kong.router.get_service()?.id) return invalid;
  const expiresIn = Number(token.expires_in);
  if (expiresIn > 0 && Date.now() / 1000 - Number(token.created_at) > expiresIn) return invalid;
  const credentialId = foreignId(token.credential);
  const credential = credentialId === null ? null : await kong.cache.get(kong.cache.cache_key('oauth2_credentials', 'id', credentialId), null,
    () => kong.db.select('oauth2_credentials', credentialId));
  if (credential === null) return invalid;
  const consumerId = foreignId(credential.consumer);
  const consumer = consumerId === null ? null : await loadConsumerCached(kong, consumerId);
  setAuthenticatedConsumer(kong, consumer, credential as Credential, typeof credential.client_id === 'string' ? credential.client_id : null);
  setTokenHeaders(kong, token);
  return null;
}

function setTokenHeaders(kong: Pdk, token: DbRow | null): void {
  for (const [header, field] of [['X-Authenticated-Scope', 'scope'], ['X-Authenticated-UserId', 'authenticated_userid']] as const) {
    const value = token?.[field];
    if (typeof value === 'string') kong.service.request.set_header(header, value);
    else kong.service.request.clear_header(header);
  }
}

function endpointOf(path: string): 'token' | 'authorization' | null {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  if (trimmed.endsWith('/oauth2/token')) return 'token';
  if (trimmed.endsWith('/oauth2/authorize')) return 'authorization';
  return null;
}

export const plugin = definePlugin({
  name: 'oauth2',
  version: KONG_VERSION,
  priority: 1400,
  schema: oauth2Schema,
  daos: [oauth2CredentialsDao, oauth2AuthorizationCodesDao, oauth2TokensDao],
  async access(kong, rawConf) {
    const conf = rawConf as unknown as OAuth2Conf;
    const endpoint = endpointOf(kong.request.get_path());
    if (endpoint !== null) {
      const method = kong.request.get_method();
      if (method !== 'POST') {
        const description = `The HTTP method ${method} is invalid for the ${endpoint} endpoint`;
        kong.response.exit(405, { error: 'invalid_method', error_description: description },
          { 'WWW-Authenticate': `Bearer${conf.realm !== null ? ` realm="${conf.realm}",` : ''} error="invalid_method" error_description="${description}"` });
        return;
      }
      await (endpoint === 'token' ? issueToken(kong, conf) : authorize(kong, conf));
      return;
    }
    if (conf.anonymous !== null && kong.client.get_credential() !== null) return;
    const failure = await authenticate(kong, conf);
    if (failure === null) return;
    if (conf.anonymous !== null) {
      await authenticateAnonymous(kong, conf.anonymous);
      setTokenHeaders(kong, null);
      return;
    }
    kong.response.exit(failure.status, failure.body, { 'WWW-Authenticate': failure.challenge });
  },
});
