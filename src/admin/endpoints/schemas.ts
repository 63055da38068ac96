// /schemas endpoints (kong/api/routes/kong.lua): entity and plugin schemas as Kong's JSON, and
// the validate endpoints that run a full insert validation without writing anything.
import type { AdminContext, AdminReply, RouteHandler } from '../types.ts';
import type { AdminRouter } from '../http/router.ts';
import { AdminHttpError } from '../http/errors.ts';
import type { CrudEntities, CrudEntity } from '../crud/definition.ts';

export interface SchemaRouteOptions {
  entities: () => CrudEntities;
  /** Kong's `/schemas/plugins/{name}` JSON, or null for an unknown plugin. */
  pluginSchemaJson: (name: string) => object | null;
  /** Entity input from the decoded body (form values inferred from the schema). */
  input: (def: CrudEntity, ctx: AdminContext) => Record<string, unknown> | Promise<Record<string, unknown>>;
}

const VALID: AdminReply = { status: 200, body: { message: 'schema validation successful' } };

function entityNamed(options: SchemaRouteOptions, name: string): CrudEntity {
  const def = options.entities()[name];
  if (!def) throw new AdminHttpError(404, { message: `No entity named '${name}'` });
  return def;
}

export function registerSchemaRoutes(router: AdminRouter<RouteHandler>, options: SchemaRouteOptions): void {
  router.add('GET', '/schemas/{db_entity_name}', {
    handle: (ctx) => ({ status: 200, body: entityNamed(options, ctx.params.db_entity_name!).schemaJson() }),
  });
  router.add('POST', '/schemas/{db_entity_name}/validate', {
    handle: async (ctx) => {
      const def = entityNamed(options, ctx.params.db_entity_name!);
      await def.validate(await options.input(def, ctx), 'insert');
      return VALID;
    },
  });
  router.add('GET', '/schemas/plugins/{name}', {
    handle: (ctx) => {
      const name = ctx.params.name!;
      const schema = options.pluginSchemaJson(name);
      if (schema === null) throw new AdminHttpError(404, { message: `No plugin named '${name}'` });
      return { status: 200, body: schema };
    },
  });
  // Deprecated alias Kong keeps: only the `config` part of the plugin schema.
  router.add('GET', '/plugins/schema/{name}', {
    handle: (ctx) => {
      const name = ctx.params.name!;
      const schema = options.pluginSchemaJson(name) as { fields?: Array<Record<string, unknown>> } | null;
      const config = schema?.fields?.find((f) => 'config' in f)?.config;
      if (config === undefined) throw new AdminHttpError(404, { message: `No plugin named '${name}'` });
      return { status: 200, body: config };
    },
  });
  router.add('POST', '/schemas/plugins/validate', {
    handle: async (ctx) => {
      const def = entityNamed(options, 'plugins');
      await def.validate(await options.input(def, ctx), 'insert');
      return VALID;
    },
  });
}
