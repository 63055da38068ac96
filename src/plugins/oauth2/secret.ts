// Client secrets with hash_secret — kong/plugins/oauth2/secret.lua's PHC string:
// `$pbkdf2-sha512$i=10000,l=32$<salt>$<hash>` (unpadded base64, 16-byte salt). Verification is
// constant time; a non-PHC stored value never verifies as a hash.
import { pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const ITERATIONS = 10000;
const LENGTH = 32;
const PHC = /^\$pbkdf2-sha512\$i=(\d+),l=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const pbkdf2Async = promisify(pbkdf2);

const unpadded = (buffer: Buffer): string => buffer.toString('base64').replace(/=+$/, '');

/** Whether a stored client_secret is already a hash (Admin writes must not hash it twice). */
export function isHashedSecret(value: string): boolean {
  return PHC.test(value);
}

/** Hashes a secret (Admin API writes: synchronous, once per credential write). */
export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  return `$pbkdf2-sha512$i=${ITERATIONS},l=${LENGTH}$${unpadded(salt)}$${unpadded(pbkdf2Sync(secret, salt, ITERATIONS, LENGTH, 'sha512'))}`;
}

/** Checks a presented secret against a PHC string without blocking the event loop. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const match = PHC.exec(stored);
  if (match === null) return false;
  const iterations = Number(match[1]);
  const length = Number(match[2]);
  if (iterations < 1 || iterations > 1_000_000 || length < 16 || length > 64) return false;
  const expected = Buffer.from(match[4]!, 'base64');
  const actual = await pbkdf2Async(secret, Buffer.from(match[3]!, 'base64'), iterations, length, 'sha512');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
