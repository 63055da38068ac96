// The one table of entity definitions (core entities and plugin DAOs registered later), looked
// up by table name or Admin API path.
import type { EntityDefinition } from './definition.ts';

const byName = new Map<string, EntityDefinition>();
const byAdminPath = new Map<string, EntityDefinition>();

export function registerEntityDefinition(definition: EntityDefinition): void {
  const previous = byName.get(definition.name);
  if (previous?.adminPath) byAdminPath.delete(previous.adminPath);
  byName.set(definition.name, definition);
  if (definition.adminPath) byAdminPath.set(definition.adminPath, definition);
}

export function getEntityDefinition(name: string): EntityDefinition | undefined {
  return byName.get(name);
}

export function getEntityDefinitionByAdminPath(path: string): EntityDefinition | undefined {
  return byAdminPath.get(path);
}

export function listEntityDefinitions(): EntityDefinition[] {
  return [...byName.values()];
}

/** Unique fields a foreign reference may be given by instead of `id` (resolve_foreign). */
export function foreignUniqueFields(reference: string): readonly string[] {
  return byName.get(reference)?.uniqueFields.filter((f) => f !== 'id') ?? [];
}
