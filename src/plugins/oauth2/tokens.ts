// generate_token and the authorization-code row (kong/plugins/oauth2/access.lua): rows are
// written through kong.db with Kong's ttl semantics (tokens live refresh_token_ttl, codes 300 s).
import { randomUUID } from 'node:crypto';
import { randomString } from '../../schema/index.ts';
import type { DbRow, Pdk } from '../../pdk/index.ts';

export interface TokenConf {
  token_expiration: number;
  refresh_token_ttl: number;
  reuse_refresh_token: boolean;
  global_credentials: boolean;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The route's service id, unless tokens are global. */
export function serviceIdFor(kong: Pdk, conf: { global_credentials: boolean }): string | null {
  return conf.global_credentials ? null : kong.router.get_service()?.id ?? null;
}

/** Issues an access token (and a refresh token unless disabled or non-expiring); the token response body. */
export async function generateToken(
  kong: Pdk, conf: TokenConf, credential: DbRow, authenticatedUserid: string | null, scope: string | null,
  state: unknown, disableRefresh = false, existing: DbRow | null = null,
): Promise<Record<string, unknown>> {
  const expiration = conf.token_expiration;
  let refreshToken: string | null = null;
  if (!disableRefresh && expiration > 0) {
    refreshToken = existing !== null && conf.reuse_refresh_token && typeof existing.refresh_token === 'string' ? existing.refresh_token : randomString();
  }
  const serviceId = serviceIdFor(kong, conf);
  const row: DbRow = {
    id: randomUUID(), created_at: nowSeconds(), service: serviceId === null ? null : { id: serviceId }, credential: { id: credential.id },
    token_type: 'bearer', expires_in: expiration, access_token: randomString(), refresh_token: refreshToken,
    authenticated_userid: authenticatedUserid, scope, tags: null,
  };
  // Access tokens (and their refresh token) are deleted for good after refresh_token_ttl.
  if (expiration > 0 && conf.refresh_token_ttl > 0) row.ttl = conf.refresh_token_ttl;
  if (existing !== null && conf.reuse_refresh_token) {
    // The reused refresh token is unique: the old row gives it up first.
    await kong.db.delete('oauth2_tokens', existing.id);
  }
  const token = await kong.db.insert('oauth2_tokens', row);
  const body: Record<string, unknown> = { access_token: token.access_token, token_type: 'bearer' };
  if (expiration > 0) body.expires_in = token.expires_in;
  if (refreshToken !== null) body.refresh_token = refreshToken;
  if (state !== undefined && state !== null) body.state = state;
  return body;
}

/** Stores an authorization code (ttl 300 s, Kong) and returns it. */
export async function createAuthorizationCode(
  kong: Pdk, conf: { global_credentials: boolean }, credential: DbRow, authenticatedUserid: string, scope: string | null,
  challenge: string | null, challengeMethod: string | null,
): Promise<string> {
  const serviceId = serviceIdFor(kong, conf);
  const row: DbRow = {
    id: randomUUID(), created_at: nowSeconds(), service: serviceId === null ? null : { id: serviceId }, credential: { id: credential.id },
    code: randomString(), authenticated_userid: authenticatedUserid, scope, challenge, challenge_method: challengeMethod,
    plugin: null, ttl: 300,
  };
  const stored = await kong.db.insert('oauth2_authorization_codes', row);
  return String(stored.code);
}
