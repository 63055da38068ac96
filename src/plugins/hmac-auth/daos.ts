// hmacauth_credentials — kong/plugins/hmac-auth/daos.lua. The secret must stay readable (it keys
// the HMAC), so it is stored as Kong stores it; it is never logged.
import { defineSchema, typedefs } from '../../schema/index.ts';
import type { EntityOptions } from '../../entities/definition.ts';

export const hmacauthCredentialsDao: EntityOptions = {
  name: 'hmacauth_credentials',
  adminPath: 'hmac-auths',
  nestedAdminPath: 'hmac-auth',
  endpointKey: 'username',
  cacheKey: ['username'],
  schema: defineSchema({
    name: 'hmacauth_credentials',
    fields: {
      id: typedefs.uuid,
      created_at: typedefs.auto_timestamp_s,
      consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' },
      username: { type: 'string', required: true, unique: true },
      secret: { type: 'string', auto: true },
      tags: typedefs.tags,
    },
  }),
};
