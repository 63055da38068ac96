// Admin API authentication (Portico; Kong OSS has none). With `admin_auth_token` set a request
// must carry `Kong-Admin-Token: <token>` (Kong Enterprise's header) or `Authorization: Bearer
// <token>`; with `admin_auth_password` set, `Authorization: Basic` for `admin_auth_user`. Either
// credential is accepted when both are configured. Comparisons are constant-time over digests,
// so neither the length nor a prefix of the secret leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Settings } from '../../config/types.ts';

export type Authenticator = (req: IncomingMessage) => boolean;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function sameSecret(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
}

/** Null when no Admin API authentication is configured. */
export function createAuthenticator(settings: Settings): Authenticator | null {
  const token = settings.admin_auth_token === null ? null : digest(settings.admin_auth_token);
  const basic = settings.admin_auth_password === null
    ? null
    : digest(`${settings.admin_auth_user}:${settings.admin_auth_password}`);
  if (token === null && basic === null) return null;
  return (req) => {
    const header = req.headers['kong-admin-token'];
    if (token !== null && typeof header === 'string' && sameSecret(header, token)) return true;
    const authorization = req.headers.authorization;
    if (typeof authorization !== 'string') return false;
    const space = authorization.indexOf(' ');
    if (space === -1) return false;
    const scheme = authorization.slice(0, space).toLowerCase();
    const value = authorization.slice(space + 1).trim();
    if (scheme === 'bearer' && token !== null) return sameSecret(value, token);
    if (scheme === 'basic' && basic !== null) return sameSecret(Buffer.from(value, 'base64').toString('utf8'), basic);
    return false;
  };
}
