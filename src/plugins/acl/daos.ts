// acls — kong/plugins/acl/daos.lua: one group membership per row, owned by a consumer (deleted
// with it), unique per {consumer, group} (the cache key). Admin: /acls, /consumers/{c}/acls.
import type { EntityOptions } from '../../entities/definition.ts';
import { defineSchema, typedefs } from '../../schema/index.ts';

export const aclSchema = defineSchema({
  name: 'acls',
  fields: {
    id: typedefs.uuid,
    created_at: typedefs.auto_timestamp_s,
    consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' },
    group: { type: 'string', required: true },
    tags: typedefs.tags,
  },
});

export const acls: EntityOptions = {
  name: 'acls',
  adminPath: 'acls',
  scopedEndpointKey: 'group',
  cacheKey: ['consumer', 'group'],
  schema: aclSchema,
};
