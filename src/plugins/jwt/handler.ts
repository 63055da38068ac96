// jwt — kong/plugins/jwt/handler.lua: find exactly one token (query, cookies, Bearer headers),
// decode it, pick the jwt_secrets credential named by the key claim, verify the signature with
// that credential's algorithm, then the registered claims and maximum_expiration. Failures are
// `kong.response.exit` bodies (no request_id), with `WWW-Authenticate: Bearer …`.
import { KONG_VERSION } from '../../core/version.ts';
import {
  authenticateAnonymous, definePlugin, foreignId, loadConsumerCached, setAuthenticatedConsumer, type Credential, type Pdk,
} from '../../pdk/index.ts';
import { jwtSecretsDao } from './daos.ts';
import { jwtSchema } from './schema.ts';
import { checkMaximumExpiration, decodeJwt, verifyRegisteredClaims } from './token.ts';
import { verificationKey, verifySignature } from './keys.ts';

interface JwtConf {
  uri_param_names: string[] | null;
  cookie_names: string[] | null;
  header_names: string[] | null;
  key_claim_name: string;
  secret_is_base64: boolean;
  claims_to_verify: string[] | null;
  anonymous: string | null;
  run_on_preflight: boolean;
  maximum_expiration: number;
  realm: string | null;
}

interface Failure {
  message?: string;
  errors?: Record<string, string>;
  wwwAuthenticate: string;
}

// Kong matches the header with re_gmatch("\\s*[Bb]earer\\s+(.+)") — unanchored.
const BEARER = /\s*[Bb]earer\s+(.+)/;

function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const line of Array.isArray(header) ? header : [header]) {
    for (const pair of line.split(';')) {
      const eq = pair.indexOf('=');
      if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
    }
  }
  return undefined;
}

/** retrieve_tokens: the distinct non-empty tokens from every configured source. */
export function retrieveTokens(kong: Pdk, conf: JwtConf): string[] {
  const tokens = new Set<string>();
  const args = kong.request.get_query();
  for (const name of conf.uri_param_names ?? []) {
    const value = args[name];
    for (const token of Array.isArray(value) ? value : [value]) if (typeof token === 'string' && token !== '') tokens.add(token);
  }
  const cookies = kong.request.get_header('cookie');
  for (const name of conf.cookie_names ?? []) {
    const token = cookieValue(cookies, name);
    if (token !== undefined && token !== '') tokens.add(token);
  }
  const headers = kong.request.get_headers();
  for (const name of conf.header_names ?? []) {
    const raw = headers[name.toLowerCase()];
    const value = Array.isArray(raw) ? raw[0] : raw;
    const match = typeof value === 'string' ? BEARER.exec(value) : null;
    if (match !== null && match[1] !== '') tokens.add(match[1]!);
  }
  return [...tokens];
}

async function authenticate(kong: Pdk, conf: JwtConf): Promise<Failure | null> {
  const base = conf.realm !== null ? `Bearer realm="${conf.realm}"` : 'Bearer';
  const withError = `${base} error="invalid_token"`;
  const fail = (message: string): Failure => ({ message, wwwAuthenticate: withError });
  const tokens = retrieveTokens(kong, conf);
  if (tokens.length === 0) return { message: 'Unauthorized', wwwAuthenticate: base };
  if (tokens.length > 1) return fail('Multiple tokens provided');
  const decoded = decodeJwt(tokens[0]!);
  if ('error' in decoded) return fail(`Bad token; ${decoded.error}`);
  const claimName = conf.key_claim_name;
  const keyValue = decoded.claims[claimName] ?? decoded.header[claimName];
  if (keyValue === undefined || keyValue === null) return fail(`No mandatory '${claimName}' in claims`);
  if (keyValue === '') return fail(`Invalid '${claimName}' in claims`);
  const key = String(keyValue);
  const credential = await kong.cache.get(kong.cache.cache_key('jwt_secrets', key), null,
    () => kong.db.selectByUnique('jwt_secrets', 'key', key));
  if (credential === null) return fail(`No credentials found for given '${claimName}'`);
  const algorithm = typeof credential.algorithm === 'string' ? credential.algorithm : 'HS256';
  if (decoded.header.alg !== algorithm) return fail('Invalid algorithm');
  const verifyKey = verificationKey(credential, algorithm, conf.secret_is_base64);
  if (verifyKey === null) return fail('Invalid key/secret');
  if (!(await verifySignature(decoded.token, verifyKey, algorithm))) return fail('Invalid signature');
  const claimErrors = verifyRegisteredClaims(decoded.claims, conf.claims_to_verify ?? []);
  if (claimErrors !== null) return { errors: claimErrors, wwwAuthenticate: withError };
  const expirationErrors = checkMaximumExpiration(decoded.claims, conf.maximum_expiration);
  if (expirationErrors !== null) return { errors: expirationErrors, wwwAuthenticate: withError };
  const consumerId = foreignId(credential.consumer);
  const consumer = consumerId === null ? null : await loadConsumerCached(kong, consumerId, true);
  if (consumer === null) return fail(`Could not find consumer for '${claimName}=${key}'`);
  setAuthenticatedConsumer(kong, consumer, credential as Credential, typeof credential.key === 'string' ? credential.key : null);
  // Kong: kong.ctx.shared.authenticated_jwt_token = token (read by later plugins).
  kong.ctx.shared.authenticated_jwt_token = decoded.token;
  return null;
}

export const plugin = definePlugin({
  name: 'jwt',
  version: KONG_VERSION,
  priority: 1450,
  schema: jwtSchema,
  daos: [jwtSecretsDao],
  async access(kong, rawConf) {
    const conf = rawConf as unknown as JwtConf;
    if (!conf.run_on_preflight && kong.request.get_method() === 'OPTIONS') return;
    // With `anonymous`, auth plugins are a logical OR: an earlier plugin's credential suffices.
    if (conf.anonymous !== null && kong.client.get_credential() !== null) return;
    const failure = await authenticate(kong, conf);
    if (failure === null) return;
    if (conf.anonymous !== null) {
      await authenticateAnonymous(kong, conf.anonymous);
      return;
    }
    kong.response.exit(401, failure.errors ?? { message: failure.message }, { 'WWW-Authenticate': failure.wwwAuthenticate });
  },
});
