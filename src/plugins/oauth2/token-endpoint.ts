// POST …/oauth2/token — Kong's issue_token(): authenticates the client application (body/query
// pair or Basic header; hashed secrets verified with PBKDF2, plain ones in constant time) and
// runs the requested grant: authorization_code (with PKCE), client_credentials, password or
// refresh_token.
import { constantTimeEqual, foreignId, type DbRow, type Pdk } from '../../pdk/index.ts';
import { loadClient, NO_STORE, redirectUrisOf, type OAuth2Conf } from './conf.ts';
import {
  isHttps, oauthError, requiresPkce, retrieveClientCredentials, retrieveParameters, retrieveScope, stringParam,
  validatePkceVerifier, type OAuthError, type Params,
} from './params.ts';
import { verifySecret } from './secret.ts';
import { generateToken, serviceIdFor } from './tokens.ts';

const INVALID_CLIENT = oauthError('invalid_client', 'Invalid client authentication');

async function clientAuthenticated(client: DbRow, secret: string | undefined): Promise<boolean> {
  const stored = client.client_secret;
  if (typeof stored !== 'string' || secret === undefined) return false;
  return client.hash_secret === true ? verifySecret(secret, stored) : constantTimeEqual(secret, stored);
}

async function authorizationCodeGrant(kong: Pdk, conf: OAuth2Conf, params: Params, client: DbRow): Promise<Record<string, unknown>> {
  const code = stringParam(params, 'code');
  const serviceId = serviceIdFor(kong, conf);
  const authCode = code === undefined ? null : await kong.db.selectByUnique('oauth2_authorization_codes', 'code', code);
  if (authCode === null || (serviceId !== null && serviceId !== foreignId(authCode.service)) || foreignId(authCode.credential) !== client.id) {
    return oauthError('invalid_request', 'Invalid code');
  }
  if (requiresPkce(conf.pkce, client, typeof authCode.challenge_method === 'string')) {
    const error = validatePkceVerifier(params, authCode.challenge);
    if (error !== null) return error;
  }
  // A code is good for one token only.
  await kong.db.delete('oauth2_authorization_codes', authCode.id);
  return generateToken(kong, conf, client, (authCode.authenticated_userid as string | null) ?? null, (authCode.scope as string | null) ?? null, params.state);
}

async function refreshTokenGrant(kong: Pdk, conf: OAuth2Conf, params: Params, client: DbRow | null): Promise<Record<string, unknown>> {
  const refreshToken = stringParam(params, 'refresh_token');
  const serviceId = serviceIdFor(kong, conf);
  const token = refreshToken === undefined ? null : await kong.db.selectByUnique('oauth2_tokens', 'refresh_token', refreshToken);
  if (token === null || (serviceId !== null && serviceId !== foreignId(token.service))) return oauthError('invalid_request', 'Invalid refresh_token');
  if (client === null || foreignId(token.credential) !== client.id) return INVALID_CLIENT;
  const body = await generateToken(kong, conf, client, (token.authenticated_userid as string | null) ?? null, (token.scope as string | null) ?? null,
    params.state, false, token);
  if (!conf.reuse_refresh_token) await kong.db.delete('oauth2_tokens', token.id);
  // The old access token may sit in this node's cache; drop it now rather than at the next event.
  kong.cache.invalidate(kong.cache.cache_key('oauth2_tokens', String(token.access_token)));
  return body;
}

async function runGrant(kong: Pdk, conf: OAuth2Conf, params: Params, grant: unknown, client: DbRow | null): Promise<Record<string, unknown>> {
  if (grant === 'authorization_code') return client === null ? INVALID_CLIENT : authorizationCodeGrant(kong, conf, params, client);
  if (grant === 'refresh_token') return refreshTokenGrant(kong, conf, params, client);
  const userid = stringParam(params, 'authenticated_userid');
  if (grant === 'client_credentials') {
    // The provision_key is only checked when the caller asserts a user.
    if (userid !== undefined && conf.provision_key !== params.provision_key) return oauthError('invalid_provision_key', 'Invalid provision_key');
    if (client === null) return INVALID_CLIENT;
    const scope = retrieveScope(params, conf);
    return 'error' in scope ? scope : generateToken(kong, conf, client, userid ?? null, scope.scope, params.state, true);
  }
  // password grant
  if (conf.provision_key !== params.provision_key) return oauthError('invalid_provision_key', 'Invalid provision_key');
  if (userid === undefined || userid.trim() === '') return oauthError('invalid_authenticated_userid', 'Missing authenticated_userid parameter');
  if (client === null) return INVALID_CLIENT;
  const scope = retrieveScope(params, conf);
  return 'error' in scope ? scope : generateToken(kong, conf, client, userid, scope.scope, params.state);
}

export async function issueToken(kong: Pdk, conf: OAuth2Conf): Promise<void> {
  const params = await retrieveParameters(kong);
  let response: Record<string, unknown> | OAuthError = {};
  let basicChallenge = false;
  if (!isHttps(kong, conf.accept_http_if_already_terminated)) {
    response = oauthError('access_denied', 'You must use HTTPS');
  } else {
    const grant = params.grant_type;
    const supported = grant === 'authorization_code' || grant === 'refresh_token' ||
      (conf.enable_client_credentials && grant === 'client_credentials') || (conf.enable_password_grant && grant === 'password');
    if (!supported) response = oauthError('unsupported_grant_type', 'Invalid grant_type');
    const credentials = retrieveClientCredentials(params, kong.request.get_header(conf.auth_header_name));
    const client = await loadClient(kong, credentials.clientId);
    const allowed = redirectUrisOf(client);
    if (grant !== 'client_credentials') {
      if (allowed === null) {
        response = INVALID_CLIENT;
        basicChallenge = credentials.fromHeader;
      } else if (!allowed.includes(stringParam(params, 'redirect_uri') ?? allowed[0] ?? '')) {
        response = oauthError('invalid_request', 'Invalid redirect_uri that does not match with any redirect_uri created with the application');
      }
    }
    if (client !== null) {
      if (client.client_type === 'confidential') {
        if (!(await clientAuthenticated(client, credentials.clientSecret))) {
          response = INVALID_CLIENT;
          basicChallenge = credentials.fromHeader;
        }
      } else if (client.client_type === 'public' && (credentials.clientSecret ?? '').trim() !== '') {
        response = oauthError('invalid_request', 'client_secret is disallowed for public clients');
      }
    }
    if (response.error === undefined) response = await runGrant(kong, conf, params, grant, client);
  }
  if (params.state !== undefined) response = { ...response, state: params.state };
  const failed = response.error !== undefined;
  const headers: Record<string, string> = { ...NO_STORE };
  // Kong answers a client that authenticated with Basic credentials with 401 and a Basic challenge.
  if (failed && basicChallenge) headers['www-authenticate'] = 'Basic realm="OAuth2.0"';
  kong.response.exit(failed ? (basicChallenge ? 401 : 400) : 200, response, headers);
}
