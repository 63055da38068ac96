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
