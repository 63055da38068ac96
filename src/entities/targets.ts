// Targets — kong/db/schema/entities/targets.lua + kong/db/dao/targets.lua. Millisecond
// timestamps; `target` is stored as host:port with port 8000 appended when absent.
import { defineSchema, normalizeIp, typedefs } from '../schema/index.ts';
import { tagsField } from './common.ts';
import { defineEntity } from './definition.ts';

const DEFAULT_PORT = 8000;

function validateTarget(target: string): true | string {
  return normalizeIp(target).ok || `Invalid target ('${target}'); not a valid hostname or ip address`;
}

/** Kong's format_host(normalized, port or 8000); IPv6 stays bracketed. */
export function formatTarget(target: string): string {
  const parsed = normalizeIp(target);
  if (!parsed.ok) return target;
  return `${parsed.value.host}:${parsed.value.port ?? DEFAULT_PORT}`;
}

export const targetSchema = defineSchema({
  name: 'targets',
  fields: {
    id: typedefs.uuid,
    created_at: typedefs.auto_timestamp_ms,
    updated_at: typedefs.auto_timestamp_ms,
    upstream: { type: 'foreign', reference: 'upstreams', required: true, on_delete: 'cascade' },
    target: { type: 'string', required: true, custom_validator: validateTarget },
    weight: { type: 'integer', default: 100, between: [0, 65535] },
    tags: tagsField,
  },
});

export const targets = defineEntity({
  name: 'targets',
  endpointKey: 'target',
  cacheKey: ['upstream', 'target'],
  schema: targetSchema,
  finalize: (row) => ({ ...row, target: formatTarget(row.target as string) }),
});
