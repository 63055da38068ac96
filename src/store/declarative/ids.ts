// Deterministic ids for declarative entities (declarative_config.lua get_key_for_uuid_gen /
// build_cache_key), so reloading the same file keeps every id: UUIDv5 with the namespace
// UUIDv5(<table>, root) and as name either the cache key `<table>:*:<v1>:<v2>…` or, for
// entities without one, the endpoint key value. Everything else gets a random id per load.
import type { EntityDefinition } from '../../entities/index.ts';
import { newUuid, uuidV5 } from '../../core/ids.ts';
import type { PendingEntity } from './walk.ts';

export const DECLARATIVE_ROOT_NAMESPACE = 'fd02801f-0957-4a15-a55a-c8d9606f30b5';
/** Workspace part of the key: DB-less input carries no ws_id, which Kong writes as `*`. */
const ANY_WORKSPACE = '*';

const namespaces = new Map<string, string>();

function namespaceFor(table: string): string {
  let namespace = namespaces.get(table);
  if (!namespace) namespaces.set(table, (namespace = uuidV5(table, DECLARATIVE_ROOT_NAMESPACE)));
  return namespace;
}

/** build_cache_key: null when a needed part is missing or auto-generated (it would not be stable). */
function cacheKeyName(definition: EntityDefinition, entity: PendingEntity): string | null {
  const parts = [entity.table, ANY_WORKSPACE];
  for (const field of definition.cacheKey!) {
    const fieldDef = definition.schema.fields[field];
    const value = entity.input[field];
    if (fieldDef?.auto) return null;
    if (typeof value === 'string') {
      parts.push(value);
    } else if (value === undefined || value === null) {
      if (entity.parent?.field === field) parts.push(entity.parent.entity.id);
      else if (fieldDef?.required) return null;
      else parts.push('');
    }
    // Other value types add nothing, exactly as Kong's key builder skips them.
  }
  return parts.join(':');
}

/** The endpoint key; one that is only unique per parent (targets) is suffixed with the parent id and workspace. */
function endpointKeyName(definition: EntityDefinition, entity: PendingEntity): string | null {
  const key = definition.endpointKey;
  if (!key) return null;
  const value = entity.input[key];
  if (value === undefined || value === null) return null;
  let name = String(value);
  if (!definition.uniqueFields.includes(key)) {
    for (const fk of definition.foreignKeys) {
      if (fk.onDelete !== 'cascade') continue;
      if (entity.parent?.field === fk.field) name += `:${entity.parent.entity.id}`;
      else if (typeof entity.input[fk.field] === 'string') name += `:${entity.input[fk.field] as string}`;
    }
    name += `:${ANY_WORKSPACE}`;
  }
  return name;
}

/** The id an entity gets when its entry does not set one (call parents before children). */
export function generateId(definition: EntityDefinition, entity: PendingEntity): string {
  const name = definition.cacheKey ? cacheKeyName(definition, entity) : endpointKeyName(definition, entity);
  return name === null ? newUuid() : uuidV5(name, namespaceFor(entity.table));
}
