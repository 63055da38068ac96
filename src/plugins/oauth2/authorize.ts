// POST …/oauth2/authorize — Kong's authorize(): the resource owner's backend (proving itself with
// provision_key) asks for a code (authorization code grant) or a token (implicit grant) for
// authenticated_userid; the answer is the client's redirect URI with the result or the error.
import type { DbRow, Pdk } from '../../pdk/index.ts';
import { loadClient, NO_STORE, redirectUrisOf, type OAuth2Conf } from './conf.ts';
import {
  buildRedirect, isHttps, oauthError, requiresPkce, retrieveCodeChallenge, retrieveParameters, retrieveScope, stringParam,
} from './params.ts';
import { createAuthorizationCode, generateToken } from './tokens.ts';

export async function authorize(kong: Pdk, conf: OAuth2Conf): Promise<void> {
  const params = await retrieveParameters(kong);
  const state = params.state;
  let response: Record<string, unknown> = {};
  let redirectUri: string | null = null;
  let implicit = false;
  const userid = stringParam(params, 'authenticated_userid');
  if (!isHttps(kong, conf.accept_http_if_already_terminated)) {
    response = oauthError('access_denied', 'You must use HTTPS');
  } else if (conf.provision_key !== params.provision_key) {
    response = oauthError('invalid_provision_key', 'Invalid provision_key');
  } else if (userid === undefined || userid.trim() === '') {
    response = oauthError('invalid_authenticated_userid', 'Missing authenticated_userid parameter');
  } else {
    const responseType = params.response_type;
    if (!((responseType === 'code' && conf.enable_authorization_code) || (responseType === 'token' && conf.enable_implicit_grant))) {
      response = oauthError('unsupported_response_type', 'Invalid response_type');
    }
    const scope = retrieveScope(params, conf);
    if ('error' in scope) response = { ...scope };
    const client = await loadClient(kong, params.client_id);
    const allowed = redirectUrisOf(client);
    if (allowed === null) {
      response = oauthError('invalid_client', 'Invalid client authentication');
    } else {
      redirectUri = stringParam(params, 'redirect_uri') ?? allowed[0] ?? null;
      if (redirectUri === null || !allowed.includes(redirectUri)) {
        response = oauthError('invalid_request', 'Invalid redirect_uri that does not match with any redirect_uri created with the application');
        // Kong then answers on the application's first registered URI.
        redirectUri = allowed[0] ?? null;
      }
    }
    const challenge = retrieveCodeChallenge(params);
    if ('error' in challenge) response = oauthError('invalid_request', challenge.error);
    else if (client !== null && challenge.challenge === null && requiresPkce(conf.pkce, client)) {
      response = oauthError('invalid_request', 'code_challenge is required for public clients');
    }
    if (response.error === undefined && client !== null && !('error' in scope) && !('error' in challenge)) {
      if (responseType === 'code') {
        response = { code: await createAuthorizationCode(kong, conf, client as DbRow, userid, scope.scope, challenge.challenge, challenge.method) };
      } else {
        // Implicit grant: no refresh token.
        response = await generateToken(kong, conf, client as DbRow, userid, scope.scope, state, true);
        implicit = true;
      }
    }
  }
  if (state !== undefined) response.state = state;
  const status = response.error !== undefined ? 400 : 200;
  const body = redirectUri !== null ? { redirect_uri: buildRedirect(redirectUri, response, implicit) } : response;
  kong.response.exit(status, body, NO_STORE);
}
