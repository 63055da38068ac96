// Request parameters of the oauth2 endpoints (kong/plugins/oauth2/access.lua): query and body
// merged (body wins), scope checks, the PKCE challenge, client credentials and the redirect URI
// Kong answers with.
import { createHash } from 'node:crypto';
import type { Pdk } from '../../pdk/index.ts';

export type Params = Record<string, unknown>;

/** An OAuth2 error answer: `{error, error_description}`. */
export type OAuthError = { error: string; error_description: string };

export const oauthError = (error: string, description: string): OAuthError => ({ error, error_description: description });

/** retrieve_parameters: query args, overridden by body args on POST/PUT/PATCH. */
export async function retrieveParameters(kong: Pdk): Promise<Params> {
  const query = kong.request.get_query();
  const method = kong.request.get_method();
  if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return { ...query };
  const body = await kong.request.get_body();
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...query, ...(body as Params) } : { ...query };
}

export const stringParam = (params: Params, name: string): string | undefined => {
  const value = params[name];
  return typeof value === 'string' ? value : undefined;
};

/** retrieve_scope: the accepted scopes joined by a space, or Kong's invalid_scope error. */
export function retrieveScope(params: Params, conf: { scopes: string[] | null; mandatory_scope: boolean }): { scope: string | null } | OAuthError {
  const scope = params.scope;
  if (conf.scopes !== null && scope !== undefined) {
    if (typeof scope !== 'string') return oauthError('invalid_scope', 'scope must be a string');
    const accepted: string[] = [];
    for (const item of scope.split(/\s+/).filter((part) => part !== '')) {
      if (!conf.scopes.includes(item)) return oauthError('invalid_scope', `"${item}" is an invalid scope`);
      accepted.push(item);
    }
    return { scope: accepted.length > 0 ? accepted.join(' ') : null };
  }
  if (scope === undefined && conf.mandatory_scope) return oauthError('invalid_scope', 'You must specify a scope');
  return { scope: null };
}

function base64url(buffer: Buffer): string {
  return buffer.toString('base64url');
}

/** retrieve_code_challenge: the normalised challenge (padding dropped) and its method (S256 only, as Kong). */
export function retrieveCodeChallenge(params: Params): { challenge: string | null; method: string | null } | { error: string } {
  const challenge = stringParam(params, 'code_challenge');
  const method = stringParam(params, 'code_challenge_method');
  if (method !== undefined && challenge === undefined) return { error: 'code_challenge is required when code_method is present' };
  if (challenge === undefined) return { challenge: null, method: null };
  if (method !== undefined && method !== 'S256' && method !== 's256') return { error: 'code_challenge_method is not supported, must be S256' };
  const normalized = /^[A-Za-z0-9_-]+={0,2}$/.test(challenge) ? base64url(Buffer.from(challenge, 'base64url')) : challenge;
  return { challenge: normalized, method: 'S256' };
}

/** requires_pkce: public clients unless pkce=none, every client with pkce=strict, and codes made with PKCE. */
export function requiresPkce(pkce: string | null, client: Params | null, usedPkce = false): boolean {
  if (client === null) return false;
  return usedPkce || (client.client_type === 'public' && pkce !== 'none') || (client.client_type === 'confidential' && pkce === 'strict');
}

/** validate_pkce_verifier: null when the verifier matches the code's challenge. */
export function validatePkceVerifier(params: Params, challenge: unknown): OAuthError | null {
  const verifier = params.code_verifier;
  if (verifier === undefined) return oauthError('invalid_request', 'code_verifier is required for PKCE authorization requests');
  if (typeof verifier !== 'string') return oauthError('invalid_request', 'code_verifier is not a string');
  if (verifier.length < 43 || verifier.length > 128) return oauthError('invalid_request', 'code_verifier must be between 43 and 128 characters');
  const computed = base64url(createHash('sha256').update(verifier).digest());
  return typeof challenge === 'string' && computed === challenge ? null : oauthError('invalid_grant', 'Invalid code');
}

/** retrieve_client_credentials: body/query pair first, then `Basic` in auth_header_name, then client_id alone. */
export function retrieveClientCredentials(params: Params, header: string | undefined): { clientId?: string; clientSecret?: string; fromHeader: boolean } {
  const clientId = stringParam(params, 'client_id');
  const clientSecret = stringParam(params, 'client_secret');
  if (clientId !== undefined && clientSecret !== undefined) return { clientId, clientSecret, fromHeader: false };
  if (header !== undefined) {
    const match = /\s*[Bb]asic\s*(.+)/.exec(header);
    if (match === null) return { fromHeader: true };
    const [id, secret] = Buffer.from(match[1]!, 'base64').toString('utf8').split(':');
    return { clientId: id, clientSecret: secret, fromHeader: true };
  }
  return { clientId, fromHeader: false };
}

/** Kong's encode_args: keys sorted, values URI-escaped. */
export function encodeArgs(args: Record<string, unknown>): string {
  return Object.keys(args).sort()
    .filter((key) => args[key] !== undefined && args[key] !== null)
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(String(args[key]))}`)
    .join('&');
}

/** The redirect URI with Kong's parameters merged into its query (or fragment for implicit grants). */
export function buildRedirect(uri: string, response: Record<string, unknown>, inFragment: boolean): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return uri;
  }
  const existing = new URLSearchParams(inFragment ? url.hash.slice(1) : url.search.slice(1));
  const merged: Record<string, unknown> = Object.fromEntries(existing);
  Object.assign(merged, response);
  const encoded = encodeArgs(merged);
  if (inFragment) url.hash = encoded;
  else url.search = encoded;
  return url.toString();
}

/** check_https: HTTPS, or (accept_http_if_already_terminated) X-Forwarded-Proto https from a trusted peer. */
export function isHttps(kong: Pdk, acceptTerminated: boolean): boolean {
  if (kong.request.get_scheme().toLowerCase() === 'https') return true;
  // get_forwarded_scheme honours X-Forwarded-Proto only from trusted_ips, as Kong's check_https.
  return acceptTerminated && kong.request.get_forwarded_scheme().toLowerCase() === 'https';
}
