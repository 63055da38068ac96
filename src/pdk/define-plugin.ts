// definePlugin: the one declaration of a plugin — name, Kong's VERSION/PRIORITY, the config
// schema (registered so /schemas/plugins/{name} and validation work) and its phase handlers.
import type { EntityOptions } from '../entities/definition.ts';
import type { Plugin } from '../entities/types.ts';
import type { PluginSchemaDefinition } from '../entities/plugin-registry.ts';
import type { FieldMap, InferFields } from '../schema/index.ts';
import type { NodePdk, Pdk } from './pdk.ts';
import type { PluginApiRoute } from './plugin-api.ts';

/**
 * The plugin's schema: the `config` record plus scope/protocol restrictions.
 * @example
 * const schema: PluginSchema = { config: { type: 'record', fields: {} }, no_consumer: true };
 */
export type PluginSchema = Omit<PluginSchemaDefinition, 'name'>;

type MaybePromise<T> = T | Promise<T>;
/**
 * A phase handler: `kong` is the PDK, `conf` the plugin's (prepared) config.
 * @example
 * const access: PhaseHandler<{ header: string }> = (kong, conf) => { kong.service.request.clear_header(conf.header); };
 */
export type PhaseHandler<C> = (kong: Pdk, conf: C) => MaybePromise<void>;

/**
 * The conf type a schema validates into (falls back to a loose record).
 * @example
 * type Conf = ConfOf<typeof schema>; // { key_names: string[]; … }
 */
export type ConfOf<S extends PluginSchema> = S['config'] extends { fields: infer F extends FieldMap } ? InferFields<F> : Record<string, unknown>;

/**
 * A plugin: Kong's handler (VERSION, PRIORITY, phase methods) and schema in one object.
 * @example
 * const plugin: PluginDefinition<{ n: number }> = { name: 'x', version: '1.0.0', priority: 10, schema, access(kong, conf) {} };
 */
export interface PluginDefinition<Conf = any, Prepared = Conf> {
  name: string;
  /** Kong's VERSION (bundled plugins report the Kong version). */
  version: string;
  /** Kong's PRIORITY: higher runs first. */
  priority: number;
  schema: PluginSchema;
  /**
   * Plugin-owned entities (Kong's daos.lua: keyauth_credentials, jwt_secrets…), registered with
   * the plugin so the stores, kong.yml and the Admin API know them.
   */
  daos?: readonly EntityOptions[];
  /** Extra Admin API endpoints (Kong's api.lua), mounted by the Admin API of every node that loads the plugin. */
  api?: readonly PluginApiRoute[];
  /**
   * Once per config version per plugin instance: compile regexes, parse keys… The result is the
   * handlers' `conf`. `row` is the plugin entity (id and route/service/consumer scope, which Kong
   * hands plugins as conf.__plugin_id / conf.route_id / conf.service_id).
   */
  prepare?: (conf: Conf, kong: NodePdk, row?: Plugin) => Prepared;
  /** Once per worker when the plugin is loaded. */
  init_worker?: (kong: NodePdk) => MaybePromise<void>;
  /** With every enabled config of this plugin, whenever the plugin table is rebuilt. */
  configure?: (kong: NodePdk, configs: Conf[]) => MaybePromise<void>;
  certificate?: PhaseHandler<Prepared>;
  rewrite?: PhaseHandler<Prepared>;
  access?: PhaseHandler<Prepared>;
  /** Implementing it makes the proxy buffer the upstream response. */
  response?: PhaseHandler<Prepared>;
  header_filter?: PhaseHandler<Prepared>;
  body_filter?: PhaseHandler<Prepared>;
  log?: PhaseHandler<Prepared>;
}

/**
 * A plugin definition whose conf type is not known statically (registry, pipeline).
 * @example
 * export const bundledPlugins: AnyPluginDefinition[] = [keyAuth, acl];
 */
export type AnyPluginDefinition = PluginDefinition<any, any>;

/**
 * Declares a plugin; checks the declaration so mistakes fail at load time, not per request.
 * @example
 * export const plugin = definePlugin({
 *   name: 'add-header', version: '1.0.0', priority: 800,
 *   schema: { config: { type: 'record', fields: { value: { type: 'string', required: true } } } },
 *   header_filter(kong, conf) { kong.response.set_header('X-Added', conf.value); },
 * });
 */
export function definePlugin<S extends PluginSchema, Prepared = ConfOf<S>>(
  definition: PluginDefinition<ConfOf<S>, Prepared> & { schema: S },
): PluginDefinition<ConfOf<S>, Prepared> {
  if (typeof definition.name !== 'string' || !/^[a-z0-9][a-z0-9_-]*$/i.test(definition.name)) {
    throw new Error(`invalid plugin name: ${String(definition.name)}`);
  }
  if (!Number.isFinite(definition.priority)) throw new Error(`plugin '${definition.name}': priority must be a number`);
  if (typeof definition.version !== 'string') throw new Error(`plugin '${definition.name}': version must be a string`);
  if (definition.schema?.config?.type !== 'record') throw new Error(`plugin '${definition.name}': schema.config must be a record field`);
  return definition;
}
