// Portico's session cookie (Kong's lua-resty-session wire format is not portable, kong-plugins.md
// §1.7): base64url(version ‖ 12-byte IV ‖ AES-256-GCM ciphertext ‖ 16-byte tag) of a small JSON
// payload. The key is HKDF-SHA256 of the configured secret, bound to the audience, so a cookie
// cannot be read, forged or replayed into another audience; GCM authentication rejects any change.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 1;

/** What a session remembers (Kong: consumer id, credential id, groups) plus its clocks. */
export interface SessionData {
  /** Session id (random, base64url). */
  sid: string;
  /** Subject: the consumer's username, custom_id or id (hashed with hash_subject). */
  sub: string;
  aud: string;
  consumer: string;
  credential: string;
  groups: string[] | null;
  /** Epoch seconds the session was created (absolute_timeout). */
  created: number;
  /** Epoch seconds this cookie was issued (idling/rolling timeouts). */
  issued: number;
}

/** The AES key for a secret and audience. */
export function deriveKey(secret: string, audience: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `portico-session:${audience}`, 32));
}

export function sealSession(data: SessionData, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from([VERSION]));
  const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** The session in a cookie value, or null when it is not ours, altered or undecodable. */
export function openSession(value: string, key: Buffer): SessionData | null {
  const raw = Buffer.from(value, 'base64url');
  if (raw.length < 1 + 12 + 16 + 2 || raw[0] !== VERSION) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(1, 13));
    decipher.setAAD(raw.subarray(0, 1));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const text = Buffer.concat([decipher.update(raw.subarray(13, raw.length - 16)), decipher.final()]).toString('utf8');
    const data = JSON.parse(text) as SessionData;
    return typeof data.sid === 'string' && typeof data.consumer === 'string' && typeof data.created === 'number' ? data : null;
  } catch {
    return null;
  }
}

/** A new random session id. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}
