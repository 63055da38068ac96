// keyauth_credentials — kong/plugins/key-auth/daos.lua: one API key per row, owned by a
// consumer (deleted with it), addressable by its key (`/key-auths/{key}`), with row ttl. The key
// is generated (32 alphanumerics) when the client sends none.
import type { EntityOptions } from '../../entities/definition.ts';
import { defineSchema, typedefs } from '../../schema/index.ts';

export const keyauthCredentialSchema = defineSchema({
  name: 'keyauth_credentials',
  fields: {
    id: typedefs.uuid,
    created_at: typedefs.auto_timestamp_s,
    consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' },
    key: { type: 'string', required: false, unique: true, auto: true },
    tags: typedefs.tags,
  },
});

export const keyauthCredentials: EntityOptions = {
  name: 'keyauth_credentials',
  adminPath: 'key-auths',
  nestedAdminPath: 'key-auth',
  endpointKey: 'key',
  cacheKey: ['key'],
  ttl: true,
  schema: keyauthCredentialSchema,
};
