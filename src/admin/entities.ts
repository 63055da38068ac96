// The Admin API's view of src/entities: the core definitions it generates endpoints for, and
// plugin schemas rendered as Kong's `/schemas/plugins/{name}` JSON.
import { getPluginSchema, listEntityDefinitions } from '../entities/index.ts';
import { pluginSchemaFor } from '../entities/plugins.ts';
import { toKongSchemaJson } from '../schema/index.ts';
import type { CrudEntities, CrudEntity } from './crud/definition.ts';

/**
 * Every registered entity definition: the core ones plus plugin DAOs (credentials) registered
 * before the server is built, so they get generated endpoints too.
 */
export function registeredEntities(): CrudEntities {
  const out: Record<string, CrudEntity> = {};
  for (const definition of listEntityDefinitions()) out[definition.name] = definition;
  return out;
}

/** The plugins entity schema specialised for one plugin (Kong's subschema), or null if unknown. */
export function pluginSchemaJson(name: string): object | null {
  const plugin = getPluginSchema(name);
  return plugin ? toKongSchemaJson(pluginSchemaFor(plugin)) : null;
}
