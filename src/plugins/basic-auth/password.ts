// Password storage for basicauth_credentials. Kong stores unsalted SHA-1(password .. consumer_id)
// (kong/plugins/basic-auth/crypto.lua); Portico stores a salted scrypt hash instead
// (security-and-reliability §1.5) and still accepts Kong's form, so a kong.yml exported from
// Kong (`_transform: false`) keeps working — such a credential is rehashed with scrypt on its
// next successful login. Only the stored form differs; nothing a client sees changes.
import { createHash, createHmac, randomBytes, scrypt, scryptSync } from 'node:crypto';
import { constantTimeEqual } from '../../pdk/index.ts';

const PREFIX = 'scrypt$';
// Node's scrypt defaults (N=2^14, r=8, p=1: 16 MiB, tens of ms); parameters travel in the hash.
const COST = 16384;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;
const LEGACY_SHA1 = /^[0-9a-f]{40}$/;

/**
 * The stored form of a password: `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`.
 * @example
 * row.password = hashPassword(input.password);
 */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LENGTH, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
  return `${PREFIX}${COST}$${BLOCK_SIZE}$${PARALLELISM}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Kong's crypto.hash(consumer_id, password): SHA-1 hex of password .. consumer_id. */
export function kongLegacyHash(consumerId: string, password: string): string {
  return createHash('sha1').update(password + consumerId).digest('hex');
}

function scryptAsync(password: string, salt: Buffer, length: number, options: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Large N needs more than the default 32 MiB limit; allow what the parameters need.
    scrypt(password, salt, length, { ...options, maxmem: 256 * options.N * options.r + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * Result of checking a password: `legacy` marks a Kong SHA-1 hash that should be upgraded.
 * @example
 * const { ok, legacy } = await verifyPassword(stored, given, consumerId);
 */
export interface Verification { ok: boolean; legacy: boolean }

/**
 * Checks `password` against a stored hash (scrypt, or Kong's SHA-1 form) in constant time.
 * @example
 * if (!(await verifyPassword(credential.password, given, consumerId)).ok) return unauthorized();
 */
export async function verifyPassword(stored: unknown, password: string, consumerId: string): Promise<Verification> {
  if (typeof stored !== 'string') return { ok: false, legacy: false };
  if (stored.startsWith(PREFIX)) {
    const [cost, block, parallel, salt, hash] = stored.slice(PREFIX.length).split('$');
    const expected = Buffer.from(hash ?? '', 'base64');
    const options = { N: Number(cost), r: Number(block), p: Number(parallel) };
    if (expected.length === 0 || !Number.isInteger(options.N) || options.N < 2 || options.N > 1_048_576) return { ok: false, legacy: false };
    const actual = await scryptAsync(password, Buffer.from(salt ?? '', 'base64'), expected.length, options);
    return { ok: constantTimeEqual(actual, expected), legacy: false };
  }
  if (LEGACY_SHA1.test(stored)) return { ok: constantTimeEqual(kongLegacyHash(consumerId, password), stored), legacy: true };
  return { ok: false, legacy: false };
}

const DUMMY = hashPassword(randomBytes(16).toString('hex'));

/**
 * Spends the same work as a real check when the username is unknown, so response time does not
 * tell which usernames exist (security-and-reliability §2.16).
 * @example
 * if (credential === null) { await dummyVerification(given); return unauthorized(); }
 */
export async function dummyVerification(password: string): Promise<void> {
  await verifyPassword(DUMMY, password, '');
}

/**
 * Remembers recent successful logins as keyed digests (never the password), so a client that
 * sends the same credentials on every request pays the slow KDF once, not per request. The key
 * is random per process; a changed stored hash or password misses.
 * @example
 * if (!recent.has(credential.id, stored, given)) { …verify…; recent.add(credential.id, stored, given); }
 */
export class RecentLogins {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, Buffer>();
  private readonly limit: number;

  constructor(limit = 10_000) {
    this.limit = limit;
  }

  private digest(stored: string, password: string): Buffer {
    return createHmac('sha256', this.key).update(stored).update('\0').update(password).digest();
  }

  has(credentialId: string, stored: string, password: string): boolean {
    const known = this.entries.get(credentialId);
    return known !== undefined && constantTimeEqual(known, this.digest(stored, password));
  }

  add(credentialId: string, stored: string, password: string): void {
    this.entries.delete(credentialId);
    this.entries.set(credentialId, this.digest(stored, password));
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
  }
}
