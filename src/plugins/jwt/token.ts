// JWT decoding and registered-claim checks as kong/plugins/jwt/jwt_parser.lua does them: decode
// first (so the key claim can select the credential), verify the signature later with that
// credential's key, then check `exp`/`nbf` and the maximum_expiration cap.
import { JWT_ALGORITHMS } from './daos.ts';

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  token: string;
}

const ALGORITHMS: ReadonlySet<string> = new Set(JWT_ALGORITHMS);

function decodeSegment(segment: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(segment)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Kong's jwt_parser:new: the error text follows "Bad token; ". */
export function decodeJwt(token: string): DecodedJwt | { error: string } {
  const parts = token.split('.');
  if (parts.length !== 3) return { error: 'invalid JSON' };
  const header = decodeSegment(parts[0]!);
  const claims = decodeSegment(parts[1]!);
  if (header === null || claims === null) return { error: 'invalid JSON' };
  if (header.typ !== undefined && typeof header.typ === 'string' && header.typ.toUpperCase() !== 'JWT') return { error: 'invalid typ' };
  if (typeof header.alg !== 'string' || !ALGORITHMS.has(header.alg)) return { error: 'invalid alg' };
  return { header, claims, token };
}

/** Epoch seconds (ngx.time()). */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** jwt_parser:verify_registered_claims: the errors object Kong returns as the 401 body, or null. */
export function verifyRegisteredClaims(claims: Record<string, unknown>, toVerify: readonly string[], now = nowSeconds()): Record<string, string> | null {
  const errors: Record<string, string> = {};
  for (const name of toVerify) {
    const value = claims[name];
    if (typeof value !== 'number') {
      errors[name] = 'must be a number';
    } else if (name === 'exp' && value <= now) {
      errors[name] = 'token expired';
    } else if (name === 'nbf' && value > now) {
      errors[name] = 'token not valid yet';
    }
  }
  return Object.keys(errors).length === 0 ? null : errors;
}

/** jwt_parser:check_maximum_expiration. */
export function checkMaximumExpiration(claims: Record<string, unknown>, maximum: number, now = nowSeconds()): Record<string, string> | null {
  if (maximum <= 0) return null;
  const exp = claims.exp;
  if (typeof exp !== 'number') return { exp: 'must be a number' };
  if (exp > now + maximum) return { exp: 'exceeds maximum allowed expiration' };
  return null;
}
