// The entity tables a declarative config may hold: the core entities plus any plugin DAO
// registered in the entity registry (keyauth_credentials, …), in dependency order (parents
// first, Kong's schema_topological_sort) so exports and error walks are stable.
import { listEntityDefinitions } from '../../entities/index.ts';
import type { EntityDefinition } from '../../entities/index.ts';

/** Tables that exist in the registry but are never a declarative section (kong/db/schema/others/declarative_config.lua). */
const NOT_SECTIONS = new Set(['tags', 'workspaces', 'parameters', 'clustering_data_planes']);

export interface TableCatalog {
  /** Declarative sections in dependency order. */
  order: string[];
  get(table: string): EntityDefinition | undefined;
  /** Child tables that may nest under `parent`, with the foreign field that points back at it. */
  childrenOf(parent: string): Array<{ table: string; field: string }>;
}

function topologicalOrder(definitions: EntityDefinition[]): string[] {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    if (state.get(name) === 'done' || state.get(name) === 'visiting') return;
    state.set(name, 'visiting');
    for (const fk of byName.get(name)?.foreignKeys ?? []) {
      if (fk.reference !== name && byName.has(fk.reference)) visit(fk.reference);
    }
    state.set(name, 'done');
    order.push(name);
  };
  for (const definition of definitions) visit(definition.name);
  return order;
}

export function tableCatalog(): TableCatalog {
  const definitions = listEntityDefinitions().filter((d) => !NOT_SECTIONS.has(d.name));
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const order = topologicalOrder(definitions);
  const children = new Map<string, Array<{ table: string; field: string }>>();
  for (const table of order) {
    for (const fk of byName.get(table)!.foreignKeys) {
      if (!byName.has(fk.reference)) continue;
      if (!children.has(fk.reference)) children.set(fk.reference, []);
      children.get(fk.reference)!.push({ table, field: fk.field });
    }
  }
  return {
    order,
    get: (table) => byName.get(table),
    childrenOf: (parent) => children.get(parent) ?? [],
  };
}
