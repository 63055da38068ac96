// What every Kong authentication plugin repeats (kong/plugins/*/handler.lua set_consumer and the
// `anonymous` fallback, kong-plugins.md §0.3), in one place so key-auth, basic-auth, jwt, hmac…
// behave identically: the X-Consumer-* headers, the anonymous consumer, cached consumer loads,
// and the one constant-time comparison credentials are checked with.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Consumer } from '../entities/types.ts';
import type { Credential } from './context.ts';
import type { Pdk } from './pdk.ts';

/**
 * Kong's `constants.HEADERS` that auth plugins set on the upstream request.
 * @example
 * kong.service.request.set_header(CONSUMER_HEADERS.CONSUMER_ID, consumer.id);
 */
export const CONSUMER_HEADERS = {
  CONSUMER_ID: 'X-Consumer-ID',
  CONSUMER_CUSTOM_ID: 'X-Consumer-Custom-ID',
  CONSUMER_USERNAME: 'X-Consumer-Username',
  CREDENTIAL_IDENTIFIER: 'X-Credential-Identifier',
  ANONYMOUS: 'X-Anonymous-Consumer',
  CONSUMER_GROUPS: 'X-Consumer-Groups',
  AUTHENTICATED_GROUPS: 'X-Authenticated-Groups',
} as const;

/**
 * Compares two secrets in time independent of where they differ: both sides are hashed to
 * fixed-length SHA-256 digests first, so neither length nor content leaks through timing
 * (security-and-reliability §2.16). Every credential comparison in the bundled plugins goes
 * through this function.
 * @example
 * if (!constantTimeEqual(presented, stored)) return kong.response.error(401);
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/**
 * Kong's set_consumer: authenticates the request and sets (or clears) the consumer headers.
 * `identifier` is the plugin's X-Credential-Identifier (key-auth: credential id, basic-auth:
 * username…); a call without credential marks the anonymous consumer.
 * @example
 * setAuthenticatedConsumer(kong, consumer, credential, credential.id);
 */
export function setAuthenticatedConsumer(kong: Pdk, consumer: Consumer | null, credential: Credential | null, identifier?: string | null): void {
  kong.client.authenticate(consumer, credential);
  const request = kong.service.request;
  const setOrClear = (name: string, value: string | null | undefined): void => {
    if (value !== null && value !== undefined) request.set_header(name, value);
    else request.clear_header(name);
  };
  setOrClear(CONSUMER_HEADERS.CONSUMER_ID, consumer?.id);
  setOrClear(CONSUMER_HEADERS.CONSUMER_CUSTOM_ID, consumer?.custom_id);
  setOrClear(CONSUMER_HEADERS.CONSUMER_USERNAME, consumer?.username);
  setOrClear(CONSUMER_HEADERS.CREDENTIAL_IDENTIFIER, credential === null ? null : identifier);
  if (credential !== null) request.clear_header(CONSUMER_HEADERS.ANONYMOUS);
  else request.set_header(CONSUMER_HEADERS.ANONYMOUS, 'true');
}

/**
 * A consumer by id (or username when `byUsername` and no id matched) through kong.cache, keyed
 * like Kong's `kong.db.consumers:cache_key(id)` so consumer changes invalidate it.
 * @example
 * const consumer = await loadConsumerCached(kong, credential.consumer.id);
 */
export function loadConsumerCached(kong: Pdk, idOrUsername: string, byUsername = false): Promise<Consumer | null> {
  return kong.cache.get(kong.cache.cache_key('consumers', idOrUsername), null, () => kong.client.load_consumer(idOrUsername, byUsername));
}

/**
 * loadConsumerCached without loading or awaiting: [true, consumer or null] when the cache
 * already decided, [false, null] when only the asynchronous load can tell.
 * @example
 * const [known, consumer] = cachedConsumer(kong, consumerId);
 */
export function cachedConsumer(kong: Pdk, id: string): [boolean, Consumer | null] {
  const [known, value] = kong.cache.probe(kong.cache.cache_key('consumers', id));
  return [known, known ? (value as Consumer | null) : null];
}

/**
 * The `anonymous` fallback of a failed authentication: attaches the configured consumer (id or
 * username) with X-Anonymous-Consumer: true, or answers Kong's 500 when it does not exist.
 * @example
 * if (conf.anonymous !== null) return authenticateAnonymous(kong, conf.anonymous);
 */
export async function authenticateAnonymous(kong: Pdk, anonymous: string): Promise<void> {
  const consumer = await loadConsumerCached(kong, anonymous, true);
  if (consumer === null) {
    const message = `anonymous consumer ${anonymous} is configured but doesn't exist`;
    kong.log.err(message);
    kong.response.error(500, message);
    return;
  }
  setAuthenticatedConsumer(kong, consumer, null);
}

/**
 * The id a foreign field of a row points at (`{id}`), or null.
 * @example
 * const consumerId = foreignId(credential.consumer);
 */
export function foreignId(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return null;
}
