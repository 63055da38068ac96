// SNIs — kong/db/schema/entities/snis.lua. Endpoint key `name` (wildcard host; `*` alone is the
// catch-all); certificate is required and restricts deletion at the DB level.
import { defineSchema, typedefs } from '../schema/index.ts';
import { baseFields, tagsField } from './common.ts';
import { defineEntity } from './definition.ts';

function validateSniName(name: string): true | string {
  if (name === '*') return true;
  const result = typedefs.wildcard_host.custom_validator(name);
  return result;
}

export const sniSchema = defineSchema({
  name: 'snis',
  fields: {
    ...baseFields,
    name: { type: 'string', required: true, unique: true, custom_validator: validateSniName },
    tags: tagsField,
    certificate: { type: 'foreign', reference: 'certificates', required: true },
  },
});

export const snis = defineEntity({ name: 'snis', endpointKey: 'name', schema: sniSchema });
