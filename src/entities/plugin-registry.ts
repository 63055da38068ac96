// Plugin schemas known to this node: Kong's loaded-plugins list. The plugins entity validates
// `config` against the registered definition (its subschema keyed by `name`).
import type { EntityCheck, FieldDef } from '../schema/index.ts';

export interface PluginSchemaDefinition {
  name: string;
  /** The `config` record (type 'record' with its fields and entity_checks). */
  config: FieldDef;
  /** Protocols the plugin supports; narrows `protocols` (Kong's typedefs.protocols_http etc.). */
  protocols?: readonly string[];
  /** Default `protocols` when the plugin narrows them. */
  defaultProtocols?: readonly string[];
  /** typedefs.no_consumer / no_route / no_service: that scope must stay null. */
  no_consumer?: boolean;
  no_route?: boolean;
  no_service?: boolean;
  /** Plugin-level entity checks (fields referenced as `config.x`). */
  entity_checks?: readonly EntityCheck[];
}

const registry = new Map<string, PluginSchemaDefinition>();
const listeners = new Set<(name: string) => void>();

export function registerPluginSchema(name: string, definition: Omit<PluginSchemaDefinition, 'name'> & { name?: string }): void {
  if (definition.config.type !== 'record') throw new Error(`plugin '${name}': config must be a record field`);
  registry.set(name, { ...definition, name });
  for (const listener of listeners) listener(name);
}

export function unregisterPluginSchema(name: string): void {
  registry.delete(name);
  for (const listener of listeners) listener(name);
}

export function getPluginSchema(name: string): PluginSchemaDefinition | undefined {
  return registry.get(name);
}

export function listPluginSchemas(): PluginSchemaDefinition[] {
  return [...registry.values()];
}

/** Called with the plugin name whenever a definition changes (cache invalidation). */
export function onPluginSchemaChange(listener: (name: string) => void): void {
  listeners.add(listener);
}
