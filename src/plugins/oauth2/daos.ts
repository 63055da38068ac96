// oauth2 entities — kong/plugins/oauth2/daos.lua: client applications (oauth2_credentials),
// short-lived authorization codes and access/refresh tokens (both ttl rows).
import { defineSchema, typedefs } from '../../schema/index.ts';
import type { EntityOptions } from '../../entities/definition.ts';
import type { EntityRow } from '../../schema/index.ts';
import { hashSecret, isHashedSecret } from './secret.ts';

/** Kong: redirect URIs are absolute and carry no fragment. */
function validateRedirectUri(value: string): true | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `cannot parse '${value}'`;
  }
  return url.hash === '' && !value.includes('#') ? true : 'fragment not allowed';
}

const credentialsSchema = defineSchema({
  name: 'oauth2_credentials',
  fields: {
    id: typedefs.uuid,
    created_at: typedefs.auto_timestamp_s,
    consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' },
    name: { type: 'string', required: true },
    client_id: { type: 'string', required: false, unique: true, auto: true },
    client_secret: { type: 'string', required: false, auto: true, encrypted: true },
    hash_secret: { type: 'boolean', required: true, default: false },
    redirect_uris: { type: 'array', elements: { type: 'string', custom_validator: validateRedirectUri } },
    tags: typedefs.tags,
    client_type: { type: 'string', required: true, default: 'confidential', one_of: ['confidential', 'public'] },
  },
});

/** With hash_secret the secret is stored as a PBKDF2 PHC string (never in plain text). */
function hashClientSecret(row: EntityRow): EntityRow {
  const secret = row.client_secret;
  if (row.hash_secret === true && typeof secret === 'string' && !isHashedSecret(secret)) row.client_secret = hashSecret(secret);
  return row;
}

export const oauth2CredentialsDao: EntityOptions = {
  name: 'oauth2_credentials',
  adminPath: 'oauth2',
  nestedAdminPath: 'oauth2',
  endpointKey: 'client_id',
  cacheKey: ['client_id'],
  schema: credentialsSchema,
  finalize: hashClientSecret,
};

export const oauth2AuthorizationCodesDao: EntityOptions = {
  name: 'oauth2_authorization_codes',
  adminPath: null,
  endpointKey: 'code',
  cacheKey: ['code'],
  ttl: true,
  schema: defineSchema({
    name: 'oauth2_authorization_codes',
    fields: {
      id: typedefs.uuid,
      created_at: typedefs.auto_timestamp_s,
      service: { type: 'foreign', reference: 'services', default: null, on_delete: 'cascade' },
      credential: { type: 'foreign', reference: 'oauth2_credentials', required: true, on_delete: 'cascade' },
      code: { type: 'string', required: false, unique: true, auto: true },
      authenticated_userid: { type: 'string', required: false },
      scope: { type: 'string' },
      challenge: { type: 'string', required: false },
      challenge_method: { type: 'string', required: false, one_of: ['S256'] },
      plugin: { type: 'foreign', reference: 'plugins', default: null, on_delete: 'cascade' },
    },
  }),
};

export const oauth2TokensDao: EntityOptions = {
  name: 'oauth2_tokens',
  adminPath: 'oauth2_tokens',
  endpointKey: 'access_token',
  cacheKey: ['access_token'],
  ttl: true,
  schema: defineSchema({
    name: 'oauth2_tokens',
    fields: {
      id: typedefs.uuid,
      created_at: typedefs.auto_timestamp_s,
      service: { type: 'foreign', reference: 'services', default: null, on_delete: 'cascade' },
      credential: { type: 'foreign', reference: 'oauth2_credentials', required: true, on_delete: 'cascade' },
      token_type: { type: 'string', required: true, one_of: ['bearer'], default: 'bearer' },
      expires_in: { type: 'integer', required: true },
      access_token: { type: 'string', required: false, unique: true, auto: true },
      refresh_token: { type: 'string', required: false, unique: true },
      authenticated_userid: { type: 'string', required: false },
      scope: { type: 'string', required: false },
      tags: typedefs.tags,
    },
  }),
};
