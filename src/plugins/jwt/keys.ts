// Verification keys per credential, parsed once: an HMAC secret as bytes, or the PEM public key
// as a KeyObject. Cached per credential row object, so a changed credential (new row from the
// store after cache invalidation) gets its key parsed again and the old one is collected.
import { createPublicKey, type KeyObject } from 'node:crypto';
// jose is loaded on the first token to verify, not when the plugin registers (most nodes never
// run jwt, and every worker would pay its memory).
let jose: Promise<typeof import('jose')> | null = null;
const loadJose = (): Promise<typeof import('jose')> => (jose ??= import('jose'));

type VerifyKey = Uint8Array | KeyObject;

const cache = new WeakMap<object, Map<string, VerifyKey | null>>();

/** Kong's jwt:base64_decode (url-safe alphabet accepted, padding optional); null when invalid. */
export function decodeBase64Secret(value: string): Buffer | null {
  const normalized = value.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalized) || normalized.replace(/=+$/, '').length % 4 === 1) return null;
  return Buffer.from(normalized, 'base64');
}

function parseKey(algorithm: string, material: string, isBase64: boolean): VerifyKey | null {
  const bytes = isBase64 ? decodeBase64Secret(material) : Buffer.from(material, 'utf8');
  if (bytes === null) return null;
  if (algorithm.startsWith('HS')) return new Uint8Array(bytes);
  try {
    return createPublicKey(bytes);
  } catch {
    return null;
  }
}

/**
 * The key a credential verifies with (Kong: `secret` for HS*, `rsa_public_key` otherwise, base64-
 * decoded first with secret_is_base64); null is Kong's "Invalid key/secret".
 */
export function verificationKey(credential: Record<string, unknown>, algorithm: string, isBase64: boolean): VerifyKey | null {
  let perRow = cache.get(credential);
  if (perRow === undefined) {
    perRow = new Map();
    cache.set(credential, perRow);
  }
  const slot = `${algorithm}:${isBase64 ? 1 : 0}`;
  if (perRow.has(slot)) return perRow.get(slot)!;
  const material = algorithm.startsWith('HS') ? credential.secret : credential.rsa_public_key;
  const key = typeof material === 'string' ? parseKey(algorithm, material, isBase64) : null;
  perRow.set(slot, key);
  return key;
}

/** Signature check only (claims are Kong's own checks): jose verifies with the one algorithm. */
export async function verifySignature(token: string, key: VerifyKey, algorithm: string): Promise<boolean> {
  try {
    await (await loadJose()).compactVerify(token, key, { algorithms: [algorithm] });
    return true;
  } catch {
    return false;
  }
}
