// basicauth_credentials — kong/plugins/basic-auth/daos.lua: username (unique, the endpoint and
// cache key) and password, owned by a consumer (deleted with it). Kong hashes the password on
// write (its `transformations`); Portico does too, with scrypt (password.ts), except for a
// declarative file with `_transform: false`, whose values — Kong's exported hashes — are kept.
import type { EntityOptions } from '../../entities/definition.ts';
import { defineSchema, typedefs } from '../../schema/index.ts';
import { hashPassword } from './password.ts';

export const basicauthCredentialSchema = defineSchema({
  name: 'basicauth_credentials',
  fields: {
    id: typedefs.uuid,
    created_at: typedefs.auto_timestamp_s,
    consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' },
    username: { type: 'string', required: true, unique: true },
    password: { type: 'string', required: true, encrypted: true },
    tags: typedefs.tags,
  },
});

export const basicauthCredentials: EntityOptions = {
  name: 'basicauth_credentials',
  adminPath: 'basic-auths',
  nestedAdminPath: 'basic-auth',
  endpointKey: 'username',
  cacheKey: ['username'],
  schema: basicauthCredentialSchema,
  finalize(row, _mode, input, options) {
    // Only a password given in this write is hashed (a PATCH of tags keeps the stored hash).
    if (options?.transform === false || typeof input.password !== 'string') return row;
    return { ...row, password: hashPassword(input.password) };
  },
};
