// Consumers — kong/db/schema/entities/consumers.lua. Endpoint key `username`; at least one of
// custom_id/username must be set.
import { defineSchema } from '../schema/index.ts';
import { defineEntity } from './definition.ts';
import { baseFields, tagsField } from './common.ts';

export const consumerSchema = defineSchema({
  name: 'consumers',
  fields: {
    ...baseFields,
    username: { type: 'string', unique: true, indexed: true },
    custom_id: { type: 'string', unique: true, indexed: true },
    tags: tagsField,
  },
  entity_checks: [{ at_least_one_of: ['custom_id', 'username'] }],
});

export const consumers = defineEntity({ name: 'consumers', endpointKey: 'username', schema: consumerSchema });
