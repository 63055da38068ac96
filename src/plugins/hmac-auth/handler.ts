// hmac-auth — kong/plugins/hmac-auth/access.lua: a fresh Date/X-Date, the `hmac username=…`
// parameters (Proxy-Authorization first), enforced headers and allowed algorithms, the
// credential by username, the HMAC of the signing string compared in constant time, and with
// validate_request_body the Digest header. Failures are kong.response.error 401s.
import { KONG_VERSION } from '../../core/version.ts';
import {
  authenticateAnonymous, constantTimeEqual, definePlugin, foreignId, loadConsumerCached, setAuthenticatedConsumer,
  type Credential, type Pdk,
} from '../../pdk/index.ts';
import { hmacauthCredentialsDao } from './daos.ts';
import { hmacAuthSchema } from './schema.ts';
import { bodyDigestMatches, dateWithinSkew, hmacDigest, parseHmacParams, signingString, type HmacParams } from './signature.ts';

interface HmacConf {
  hide_credentials: boolean;
  clock_skew: number;
  anonymous: string | null;
  validate_request_body: boolean;
  enforce_headers: string[] | null;
  algorithms: string[] | null;
  realm: string | null;
}

const NOT_VALID = 'HMAC signature cannot be verified';
const NOT_SAME = 'HMAC signature does not match';

/** validate_params: why the parameters cannot be used, or null. */
function paramsProblem(params: HmacParams | null, conf: HmacConf): string | null {
  if (params === null || params.username === '' || params.signature === '') return 'username or signature missing';
  for (const header of conf.enforce_headers ?? []) {
    if (!params.headers.includes(header)) return 'enforced header not used for signature creation';
  }
  if (!(conf.algorithms ?? []).includes(params.algorithm)) return `algorithm ${params.algorithm} not supported`;
  return null;
}

function signatureMatches(kong: Pdk, params: HmacParams, secret: string): boolean {
  const request = {
    method: kong.request.get_method(),
    pathWithQuery: kong.request.get_path_with_query(),
    httpVersion: kong.request.get_http_version(),
    header: (name: string) => kong.request.get_header(name),
  };
  const expected = hmacDigest(params.algorithm, secret, signingString(request, params.headers));
  return constantTimeEqual(expected, Buffer.from(params.signature, 'base64'));
}

/** do_authentication: the failure message, or null when the consumer is authenticated. */
async function authenticate(kong: Pdk, conf: HmacConf): Promise<string | null> {
  const authorization = kong.request.get_header('authorization');
  const proxyAuthorization = kong.request.get_header('proxy-authorization');
  if (authorization === undefined && proxyAuthorization === undefined) return 'Unauthorized';
  if (!dateWithinSkew(kong.request.get_header('x-date'), conf.clock_skew) && !dateWithinSkew(kong.request.get_header('date'), conf.clock_skew)) {
    return 'HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication';
  }
  let params = parseHmacParams(proxyAuthorization);
  if (params === null) {
    params = parseHmacParams(authorization);
    if (conf.hide_credentials) kong.service.request.clear_header('Authorization');
  } else if (conf.hide_credentials) {
    kong.service.request.clear_header('Proxy-Authorization');
  }
  const problem = paramsProblem(params, conf);
  if (problem !== null || params === null) {
    kong.log.debug(problem ?? '');
    return NOT_VALID;
  }
  const username = params.username;
  const credential = await kong.cache.get(kong.cache.cache_key('hmacauth_credentials', username), null,
    () => kong.db.selectByUnique('hmacauth_credentials', 'username', username));
  if (credential === null || typeof credential.secret !== 'string') return NOT_VALID;
  if (!signatureMatches(kong, params, credential.secret)) return NOT_SAME;
  if (conf.validate_request_body && !bodyDigestMatches(kong.request.get_header('digest'), await kong.request.get_raw_body())) {
    return NOT_SAME;
  }
  const consumerId = foreignId(credential.consumer);
  const consumer = consumerId === null ? null : await loadConsumerCached(kong, consumerId);
  setAuthenticatedConsumer(kong, consumer, credential as Credential, username);
  return null;
}

export const plugin = definePlugin({
  name: 'hmac-auth',
  version: KONG_VERSION,
  priority: 1030,
  schema: hmacAuthSchema,
  daos: [hmacauthCredentialsDao],
  async access(kong, rawConf) {
    const conf = rawConf as unknown as HmacConf;
    if (conf.anonymous !== null && kong.client.get_credential() !== null) return;
    const failure = await authenticate(kong, conf);
    if (failure === null) return;
    if (conf.anonymous !== null) {
      await authenticateAnonymous(kong, conf.anonymous);
      return;
    }
    const challenge = conf.realm !== null ? `hmac realm="${conf.realm}"` : 'hmac';
    kong.response.error(401, failure, { 'WWW-Authenticate': challenge });
  },
});
