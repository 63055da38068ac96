// AWS Signature Version 4 over node:crypto. Kong signs Bedrock calls with lua-resty-aws
// (`resty.aws.request.sign`, endpointPrefix "bedrock") and sets exactly three headers on the
// upstream request: Authorization, X-Amz-Date and X-Amz-Security-Token (kong-ai.md §4).
// The algorithm follows AWS's published description: canonical request → string to sign →
// HMAC chain signing key → hex signature.

import { createHash, createHmac } from 'node:crypto';

export type AwsCredentials = {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary (STS) credentials carry a session token, sent as X-Amz-Security-Token. */
  sessionToken?: string | undefined;
};

export type SigV4Request = {
  method: string;
  /** Absolute URL as it goes on the wire: the path is already percent-encoded. */
  url: string;
  /** Extra headers to sign (e.g. content-type). host and x-amz-date are always signed. */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
};

export type SigV4Options = {
  credentials: AwsCredentials;
  region: string;
  /** Signing name: "bedrock" for bedrock-runtime (Kong's endpointPrefix). */
  service: string;
  date?: Date;
};

export type SigV4Result = {
  /** The headers to set on the outgoing request (Kong's three, plus host when absent). */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
};

const ALGORITHM = 'AWS4-HMAC-SHA256';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 encoding of everything but the unreserved set, as SigV4 requires. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * Canonical URI for every service but S3: each segment of the (already encoded) wire path is
 * encoded once more. That is why a Bedrock model id such as `anthropic.claude-v2:1`, sent as
 * `anthropic.claude-v2%3A1`, is signed as `anthropic.claude-v2%253A1` (as the AWS SDKs do).
 */
export function canonicalUri(path: string): string {
  if (path === '' || path === '/') return '/';
  return path.split('/').map(uriEncode).join('/');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    return value;
  }
}

export function canonicalQuery(search: string): string {
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (query === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push([uriEncode(safeDecode(key)), uriEncode(safeDecode(value))]);
  }
  // Sorted by encoded name, then value (code-point order, as AWS specifies).
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** 20150830T123600Z */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function signingKey(secretAccessKey: string, dateStamp: string, region: string, service: string): Buffer {
  const kDate = hmac('AWS4' + secretAccessKey, dateStamp);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

function normalizeHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

export function signSigV4(request: SigV4Request, options: SigV4Options): SigV4Result {
  const url = new URL(request.url);
  const date = amzDate(options.date ?? new Date());
  const dateStamp = date.slice(0, 8);
  const { credentials } = options;

  const signed = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    signed.set(name.toLowerCase(), normalizeHeaderValue(value));
  }
  // URL.host omits default ports, matching what an HTTP client sends in Host.
  if (!signed.has('host')) signed.set('host', url.host);
  signed.set('x-amz-date', date);
  if (credentials.sessionToken) signed.set('x-amz-security-token', credentials.sessionToken);

  const names = [...signed.keys()].sort();
  const canonicalHeaders = names.map((n) => `${n}:${signed.get(n)}\n`).join('');
  const signedHeaders = names.join(';');
  const payloadHash = sha256Hex(request.body ?? '');

  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.search),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');

  const scope = `${dateStamp}/${options.region}/${options.service}/aws4_request`;
  const stringToSign = [ALGORITHM, date, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = signingKey(credentials.secretAccessKey, dateStamp, options.region, options.service);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');

  const headers: Record<string, string> = {
    Authorization: `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    'X-Amz-Date': date,
  };
  if (credentials.sessionToken) headers['X-Amz-Security-Token'] = credentials.sessionToken;
  return { headers, canonicalRequest, stringToSign, signature };
}

/**
 * Credentials and region from the standard AWS environment variables (the first links of the
 * SDK chain Kong relies on when `auth.aws_*` is unset). Instance/container roles need HTTP and
 * are left to the caller.
 */
export function awsFromEnv(env: Readonly<Record<string, string | undefined>>): { credentials?: AwsCredentials; region?: string } {
  const result: { credentials?: AwsCredentials; region?: string } = {};
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (region) result.region = region;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    result.credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
    if (env.AWS_SESSION_TOKEN) result.credentials.sessionToken = env.AWS_SESSION_TOKEN;
  }
  return result;
}
