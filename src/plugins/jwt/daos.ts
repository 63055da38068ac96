// jwt_secrets — kong/plugins/jwt/daos.lua: one credential per `key` (the value of the token's
// key claim), HMAC secret or a public key for the asymmetric algorithms. Kong stores secrets in
// plain text (they are needed to verify HMAC signatures); Portico does the same for wire parity.
import { createPublicKey } from 'node:crypto';
import { defineSchema, typedefs } from '../../schema/index.ts';
import type { EntityOptions } from '../../entities/definition.ts';

export const JWT_ALGORITHMS = [
  'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA',
] as const;

/** Kong's validate_ssl_key: the PEM must parse as a key ("invalid key" otherwise). */
function validatePublicKey(value: string): true | string {
  try {
    createPublicKey(value);
    return true;
  } catch {
    return 'invalid key';
  }
}

export const jwtSecretsSchema = defineSchema({
  name: 'jwt_secrets',
  fields: {
    id: typedefs.uuid,
    created_at: typedefs.auto_timestamp_s,
    consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' },
    key: { type: 'string', required: false, unique: true, auto: true },
    secret: { type: 'string', auto: true },
    rsa_public_key: { type: 'string' },
    algorithm: { type: 'string', default: 'HS256', one_of: JWT_ALGORITHMS },
    tags: typedefs.tags,
  },
  entity_checks: [
    {
      // Every non-HMAC algorithm verifies with a public key, which must be present and parse.
      conditional: {
        if_field: 'algorithm',
        if_match: { match_any: { patterns: JWT_ALGORITHMS.filter((a) => !a.startsWith('HS')).map((a) => `^${a}$`), err: '' } },
        then_field: 'rsa_public_key',
        then_match: { required: true, custom_validator: validatePublicKey },
      },
    },
  ],
});

export const jwtSecretsDao: EntityOptions = {
  name: 'jwt_secrets',
  adminPath: 'jwts',
  nestedAdminPath: 'jwt',
  endpointKey: 'key',
  cacheKey: ['key'],
  schema: jwtSecretsSchema,
};
