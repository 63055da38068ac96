// The oauth2 config as the handlers read it, and the credential lookup shared by both endpoints.
import type { DbRow, Pdk } from '../../pdk/index.ts';

export interface OAuth2Conf {
  scopes: string[] | null;
  mandatory_scope: boolean;
  provision_key: string;
  token_expiration: number;
  enable_authorization_code: boolean;
  enable_implicit_grant: boolean;
  enable_client_credentials: boolean;
  enable_password_grant: boolean;
  hide_credentials: boolean;
  accept_http_if_already_terminated: boolean;
  anonymous: string | null;
  global_credentials: boolean;
  auth_header_name: string;
  refresh_token_ttl: number;
  reuse_refresh_token: boolean;
  pkce: string | null;
  realm: string | null;
}

/** The client application by client_id, through kong.cache (Kong's get_redirect_uris). */
export async function loadClient(kong: Pdk, clientId: unknown): Promise<DbRow | null> {
  if (typeof clientId !== 'string' || clientId === '') return null;
  return kong.cache.get(kong.cache.cache_key('oauth2_credentials', clientId), null,
    () => kong.db.selectByUnique('oauth2_credentials', 'client_id', clientId));
}

export const redirectUrisOf = (client: DbRow | null): string[] | null =>
  client !== null && Array.isArray(client.redirect_uris) ? (client.redirect_uris as string[]) : null;

/** Kong answers both endpoints with these so no intermediary caches a code or token. */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
