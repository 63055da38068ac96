// Plugins — kong/db/schema/entities/plugins.lua. Endpoint key `instance_name`, cache key
// {name, route, service, consumer}; `config` comes from the plugin's registered schema
// (subschema keyed by `name`), an unknown name is "not enabled".
import type { KongError } from '../core/errors.ts';
import { defineSchema, schemaViolation, toKongSchemaJson, typedefs, PROTOCOLS } from '../schema/index.ts';
import type { FieldDef, Schema } from '../schema/index.ts';
import { baseFields, tagsField } from './common.ts';
import { defineEntity } from './definition.ts';
import { getPluginSchema, onPluginSchemaChange } from './plugin-registry.ts';
import type { PluginSchemaDefinition } from './plugin-registry.ts';

const DEFAULT_PROTOCOLS = ['grpc', 'grpcs', 'http', 'https'];

function scopeField(reference: string): FieldDef {
  return { type: 'foreign', reference, default: null, on_delete: 'cascade' };
}

function pluginFields(config: FieldDef, protocols: FieldDef, plugin?: PluginSchemaDefinition) {
  // typedefs.no_consumer etc. replace the scope field entirely in Kong's plugin subschema.
  const noScope = (reference: string): FieldDef => ({ type: 'foreign', reference, eq: null });
  return {
    id: baseFields.id,
    name: { type: 'string', required: true, indexed: true },
    instance_name: typedefs.utf8_name,
    created_at: baseFields.created_at,
    updated_at: baseFields.updated_at,
    route: plugin?.no_route ? noScope('routes') : scopeField('routes'),
    service: plugin?.no_service ? noScope('services') : scopeField('services'),
    consumer: plugin?.no_consumer ? noScope('consumers') : scopeField('consumers'),
    config,
    protocols,
    enabled: { type: 'boolean', required: true, default: true },
    tags: tagsField,
  } satisfies Record<string, FieldDef>;
}

export const pluginSchema = defineSchema({
  name: 'plugins',
  fields: pluginFields(
    { type: 'record', fields: {} },
    { type: 'set', required: true, default: DEFAULT_PROTOCOLS, elements: { type: 'string', one_of: PROTOCOLS } },
  ),
});

const perPlugin = new Map<string, Schema>();
onPluginSchemaChange((name) => perPlugin.delete(name));

/** The plugins schema specialised for one plugin (Kong's subschema for `name`). */
export function pluginSchemaFor(plugin: PluginSchemaDefinition): Schema {
  const cached = perPlugin.get(plugin.name);
  if (cached) return cached;
  const allowed = plugin.protocols ?? PROTOCOLS;
  const defaults = plugin.defaultProtocols ?? DEFAULT_PROTOCOLS.filter((p) => allowed.includes(p));
  const schema = defineSchema({
    name: 'plugins',
    // The config record is required so an omitted `config` expands to the plugin's defaults.
    fields: pluginFields(
      { ...plugin.config, required: true },
      { type: 'set', required: true, default: defaults, elements: { type: 'string', one_of: allowed } },
      plugin,
    ),
    entity_checks: plugin.entity_checks ?? [],
  });
  perPlugin.set(plugin.name, schema);
  return schema;
}

function chooseSchema(input: Record<string, unknown>): Schema | KongError {
  const name = input.name;
  if (name === undefined || name === null) return schemaViolation({ name: 'required field missing' });
  if (typeof name !== 'string') return schemaViolation({ name: 'expected a string' });
  const plugin = getPluginSchema(name);
  if (!plugin) return schemaViolation({ name: `plugin '${name}' not enabled; add it to the 'plugins' configuration property` });
  return pluginSchemaFor(plugin);
}

export const plugins = defineEntity({
  name: 'plugins',
  endpointKey: 'instance_name',
  cacheKey: ['name', 'route', 'service', 'consumer'],
  schema: pluginSchema,
  schemaFor: chooseSchema,
});

/**
 * `/schemas/plugins/{name}`: the plugin's own schema as Kong declares it (scope restrictions,
 * protocols, config, plugin-level entity checks), not the whole plugins entity; null if the
 * plugin is not registered.
 */
export function pluginSchemaJson(name: string): { fields: unknown[]; entity_checks?: unknown[] } | null {
  const plugin = getPluginSchema(name);
  if (!plugin) return null;
  const full = pluginSchemaFor(plugin).fields;
  const fields: Record<string, FieldDef> = {};
  if (plugin.no_consumer) fields.consumer = full.consumer!;
  if (plugin.no_route) fields.route = full.route!;
  if (plugin.no_service) fields.service = full.service!;
  fields.protocols = full.protocols!;
  fields.config = full.config!;
  const json = toKongSchemaJson(defineSchema({ name, fields, entity_checks: plugin.entity_checks }));
  return json.entity_checks ? json : { fields: json.fields };
}

function sharesProtocol(pluginProtocols: readonly string[], routeProtocols: readonly string[]): boolean {
  return pluginProtocols.some((p) => routeProtocols.includes(p));
}

/**
 * DAO-level check Kong runs on plugin insert/update (kong/db/dao/plugins.lua
 * check_protocols_match): a route-scoped plugin must share a protocol with its route; a
 * service-scoped one with at least one route of that service (none at all is fine). The
 * caller looks the routes up; this throws the schema violation Kong returns.
 */
export function checkPluginProtocols(
  plugin: { protocols?: unknown; route?: unknown; service?: unknown },
  scope: { routeProtocols?: readonly string[] | null; serviceRoutesProtocols?: ReadonlyArray<readonly string[]> },
): void {
  if (!Array.isArray(plugin.protocols)) return;
  const protocols = plugin.protocols as string[];
  if (plugin.route && scope.routeProtocols) {
    if (!sharesProtocol(protocols, scope.routeProtocols)) {
      throw schemaViolation({ protocols: "must match the associated route's protocols" });
    }
  } else if (plugin.service && scope.serviceRoutesProtocols && scope.serviceRoutesProtocols.length > 0) {
    if (!scope.serviceRoutesProtocols.some((rp) => sharesProtocol(protocols, rp))) {
      throw schemaViolation({ protocols: "must match the protocols of at least one route pointing to this Plugin's service" });
    }
  }
}
