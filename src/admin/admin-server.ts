// Assembles the Admin API: node info, /status, the generated entity endpoints and Kong's
// special cases, /schemas, /tags and /config, on top of the shared request loop.
import type http from 'node:http';
import type { Store } from '../store/types.ts';
import type { AdminContext, AdminDeps, RouteHandler } from './types.ts';
import { createApiServer } from './http/server.ts';
import { createAuthenticator } from './http/auth.ts';
import { AdminRouter } from './http/router.ts';
import type { CrudEntities, CrudEntity } from './crud/definition.ts';
import { inferArgs } from './crud/infer.ts';
import { locate } from './crud/lookup.ts';
import type { SchemaJson } from './crud/infer.ts';
import type { CrudEngine } from './crud/operations.ts';
import { registerEntityRoutes } from './crud/routes.ts';
import { createWriter } from './crud/writer.ts';
import { registerSpecialRoutes } from './crud/special-routes.ts';
import { certificateDeleteHook, certificateWriteHook, presentRow } from './crud/certificate-snis.ts';
import { registerTargetRoutes } from './crud/targets.ts';
import { registerUpstreamHealthRoutes } from './crud/upstream-health.ts';
import { registerInfoRoutes } from './endpoints/info.ts';
import { statusHandler } from './endpoints/status.ts';
import { registerSchemaRoutes } from './endpoints/schemas.ts';
import { registerTagRoutes } from './endpoints/tags.ts';
import { registerConfigRoutes } from './endpoints/config.ts';
import { registerDebugRoutes } from './endpoints/debug.ts';
import { registerClusteringRoutes } from './endpoints/clustering.ts';
import { registerMetricsRoute } from './endpoints/metrics.ts';
import { pluginSchemaJson, registeredEntities } from './entities.ts';

export interface AdminServerOptions {
  /** Entity definitions to serve (defaults to every registered definition: core + plugin DAOs). */
  entities?: CrudEntities;
}

const schemaCache = new WeakMap<CrudEntity, SchemaJson>();

function schemaJsonOf(def: CrudEntity): SchemaJson {
  let json = schemaCache.get(def);
  if (!json) {
    json = def.schemaJson() as SchemaJson;
    schemaCache.set(def, json);
  }
  return json;
}

/**
 * Entity input from the decoded body. JSON is taken as sent; form and multipart values are
 * inferred from the schema (Kong's arguments.lua), plugins' `config.*` from the plugin's own
 * schema once its name is known (for a PATCH without `name`, from the stored plugin).
 */
async function entityInput(def: CrudEntity, ctx: AdminContext, store: Store): Promise<Record<string, unknown>> {
  const { kind, args } = ctx.body;
  if (kind !== 'form' && kind !== 'multipart') return args;
  const input = inferArgs(args, schemaJsonOf(def));
  if (def.name !== 'plugins' || !input.config || typeof input.config !== 'object') return input;
  let name = input.name;
  if (name === undefined && ctx.params.plugins !== undefined) {
    name = (await locate(store, def, ctx.params.plugins)).row?.name;
  }
  const schema = typeof name === 'string' ? (pluginSchemaJson(name) as SchemaJson | null) : null;
  const configField = schema?.fields?.find((f) => 'config' in f)?.config;
  if (configField?.fields) input.config = inferArgs(input.config as Record<string, unknown>, { fields: configField.fields });
  return input;
}

export function createAdminServer(deps: AdminDeps, options: AdminServerOptions = {}): http.Server {
  const entities = options.entities ?? registeredEntities();
  const dbless = deps.settings.database === 'off';
  const router = new AdminRouter<RouteHandler>();
  const api = createApiServer(router, {
    settings: deps.settings,
    logger: deps.logger,
    maxBodySize: deps.settings.admin_client_max_body_size,
    authenticate: createAuthenticator(deps.settings),
  });
  const engineOver = (store: Store, inTransaction: boolean): CrudEngine => {
    const writer = createWriter(store, dbless);
    const withSnis = entities.snis !== undefined;
    return {
      store,
      defs: entities,
      writer,
      present: (def, row) => presentRow(store, def, row),
      aroundWrite: withSnis ? certificateWriteHook(store, writer, entities) : undefined,
      deleteRow: withSnis ? certificateDeleteHook(store, dbless) : undefined,
      // DB-less refuses every write anyway; nested transactions are not needed.
      transaction: dbless || inTransaction ? undefined : (work) => store.transaction((tx) => work(engineOver(tx, true))),
    };
  };
  const engine = (): CrudEngine => engineOver(deps.store(), false);
  const input = (def: CrudEntity, ctx: AdminContext) => entityInput(def, ctx, deps.store());
  const routeOptions = { engine, input, skip: new Set(['targets']) };

  registerInfoRoutes(router, deps);
  router.add('GET', '/status', { handle: statusHandler(deps, () => api.connections.snapshot()) });
  registerMetricsRoute(router, deps, () => api.connections.snapshot());
  registerEntityRoutes(router, entities, routeOptions);
  registerSpecialRoutes(router, entities, routeOptions);
  if (entities.targets && entities.upstreams) {
    registerTargetRoutes(router, entities, routeOptions);
    if (deps.upstreamHealth) registerUpstreamHealthRoutes(router, entities, engine, deps, deps.upstreamHealth);
  }
  registerSchemaRoutes(router, { entities: () => entities, pluginSchemaJson, input });
  registerTagRoutes(router, deps.store, () => entities);
  registerConfigRoutes(router, deps, entities);
  registerDebugRoutes(router, deps);
  registerClusteringRoutes(router, deps.settings);
  // Plugin endpoints last: Kong mounts each plugin's api.lua after the core routes.
  for (const endpoint of deps.pluginEndpoints?.() ?? []) {
    router.add(endpoint.method, endpoint.path, {
      handle: (ctx) => endpoint.handle({ params: ctx.params as Record<string, string>, query: ctx.query, body: ctx.body }),
    });
  }
  return api.server;
}
