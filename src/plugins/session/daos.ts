// sessions — kong/plugins/session/daos.lua: server-side session rows for `storage = kong`
// (no Admin API). A row's ttl ends it with the session's absolute lifetime; deleting it (logout)
// revokes the session even though the client still holds the cookie.
import { defineSchema, typedefs } from '../../schema/index.ts';
import type { EntityOptions } from '../../entities/definition.ts';

export const sessionsDao: EntityOptions = {
  name: 'sessions',
  adminPath: null,
  endpointKey: 'session_id',
  cacheKey: ['session_id'],
  ttl: true,
  schema: defineSchema({
    name: 'sessions',
    fields: {
      id: typedefs.uuid,
      session_id: { type: 'string', unique: true, required: true },
      expires: { type: 'integer' },
      data: { type: 'string' },
      created_at: typedefs.auto_timestamp_s,
    },
  }),
};
