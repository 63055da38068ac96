// The Admin API's view of src/entities: the core definitions it generates endpoints for, and
// plugin schemas rendered as Kong's `/schemas/plugins/{name}` JSON.
import { entityDefinitions, getPluginSchema } from '../entities/index.ts';
import { pluginSchemaFor } from '../entities/plugins.ts';
import { toKongSchemaJson } from '../schema/index.ts';
import type { CrudEntities } from './crud/definition.ts';

export function coreEntities(): CrudEntities {
  return entityDefinitions as unknown as CrudEntities;
}

/** The plugins entity schema specialised for one plugin (Kong's subschema), or null if unknown. */
export function pluginSchemaJson(name: string): object | null {
  const plugin = getPluginSchema(name);
  return plugin ? toKongSchemaJson(pluginSchemaFor(plugin)) : null;
}
