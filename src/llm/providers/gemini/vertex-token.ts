// Vertex AI access tokens from a GCP service-account key (Kong: lua-resty-gcp, used when
// `auth.gcp_use_service_account` is true; the key comes from `auth.gcp_service_account_json`
// or env GCP_SERVICE_ACCOUNT). OAuth2 JWT-bearer flow (RFC 7523): an RS256-signed assertion is
// exchanged at the key's token_uri for an access token, which is cached until shortly before
// it expires. The HTTP exchange is injected so this module stays free of I/O.

import { createSign } from 'node:crypto';

export const GCP_CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Assertions live one hour, Google's maximum. */
const ASSERTION_LIFETIME_SECONDS = 3600;
/** Refresh this long before expiry so a token never expires in flight. */
const REFRESH_MARGIN_SECONDS = 300;

export type ServiceAccountKey = {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
  project_id?: string;
};

/** POSTs a form body; resolves with the status and raw body text. */
export type FetchToken = (url: string, body: string, headers: Record<string, string>) => Promise<{ status: number; body: string }>;

export class VertexTokenError extends Error {
  override name = 'VertexTokenError';
}

export function parseServiceAccount(json: string): ServiceAccountKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new VertexTokenError('GCP service account JSON is not valid JSON');
  }
  const key = parsed as Partial<ServiceAccountKey> | null;
  if (!key || typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new VertexTokenError('GCP service account JSON lacks client_email or private_key');
  }
  return key as ServiceAccountKey;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export function signServiceAccountJwt(key: ServiceAccountKey, nowSeconds: number, scope = GCP_CLOUD_PLATFORM_SCOPE): string {
  const header: Record<string, string> = { alg: 'RS256', typ: 'JWT' };
  if (key.private_key_id) header.kid = key.private_key_id;
  const claims = {
    iss: key.client_email,
    scope,
    aud: key.token_uri ?? GOOGLE_TOKEN_URI,
    iat: nowSeconds,
    exp: nowSeconds + ASSERTION_LIFETIME_SECONDS,
  };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key.private_key);
  return `${input}.${base64url(signature)}`;
}

export type VertexTokenSourceOptions = {
  serviceAccountJson: string;
  fetchToken: FetchToken;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
  scope?: string;
};

export type VertexTokenSource = { getToken(): Promise<string> };

/**
 * One source per plugin config (Kong creates the identity lazily per config). Concurrent callers
 * share one in-flight exchange; a failed exchange is not cached.
 */
export function createVertexTokenSource(options: VertexTokenSourceOptions): VertexTokenSource {
  const key = parseServiceAccount(options.serviceAccountJson);
  const now = options.now ?? Date.now;
  let cached: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function exchange(): Promise<string> {
    const issuedAt = Math.floor(now() / 1000);
    const assertion = signServiceAccountJwt(key, issuedAt, options.scope);
    const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString();
    const response = await options.fetchToken(key.token_uri ?? GOOGLE_TOKEN_URI, body, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    let parsed: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } = {};
    try {
      parsed = JSON.parse(response.body);
    } catch {
      // reported below
    }
    if (response.status !== 200 || typeof parsed.access_token !== 'string') {
      const detail = typeof parsed.error_description === 'string' ? parsed.error_description : typeof parsed.error === 'string' ? parsed.error : `status ${response.status}`;
      throw new VertexTokenError(`GCP token exchange failed: ${detail}`);
    }
    const lifetime = typeof parsed.expires_in === 'number' ? parsed.expires_in : ASSERTION_LIFETIME_SECONDS;
    cached = { token: parsed.access_token, refreshAt: (issuedAt + Math.max(0, lifetime - REFRESH_MARGIN_SECONDS)) * 1000 };
    return parsed.access_token;
  }

  return {
    getToken(): Promise<string> {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      inFlight ??= exchange().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

/**
 * The service-account key for a config that asked for one: `auth.gcp_service_account_json`, else
 * env GCP_SERVICE_ACCOUNT (Kong's fallback). Undefined when the config does not use Vertex auth.
 */
export function serviceAccountJsonFor(
  auth: { gcp_use_service_account?: boolean | null; gcp_service_account_json?: string | null } | null | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (!auth?.gcp_use_service_account) return undefined;
  return auth.gcp_service_account_json || env.GCP_SERVICE_ACCOUNT || undefined;
}
