// Generates Kong's entity endpoints (kong/api/endpoints.lua generate_endpoints) from the entity
// definitions: the collection, the entity, and for every foreign key the nested collection
// (`/services/{services}/routes`), the nested entity and the parent seen from the child
// (`/routes/{routes}/service`). Param names are table names, as `/endpoints` shows them.
import type { AdminContext, AdminReply, RouteHandler } from '../types.ts';
import type { AdminRouter } from '../http/router.ts';
import type { CrudEngine, ParentScope } from './operations.ts';
import { createEntity, deleteEntity, findEntity, getEntity, listEntities, updateEntity, upsertEntity } from './operations.ts';
import type { CrudEntity, CrudForeignKey } from './definition.ts';
import { escapeUri } from './paging.ts';
import { foreignIdOf } from './lookup.ts';
import { notFound } from '../http/errors.ts';

export interface EntityRouteOptions {
  /** The engine over the current store (the store is swapped on every reload). */
  engine: () => CrudEngine;
  /** Turns the decoded body into entity input (schema-driven inference of form values). */
  input: (def: CrudEntity, ctx: AdminContext) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Tables whose endpoints are hand-written (targets live under upstreams only). */
  skip?: ReadonlySet<string>;
}

const ok = (body: unknown): AdminReply => ({ status: 200, body });

function on(router: AdminRouter<RouteHandler>, method: string, template: string, handle: RouteHandler['handle']): void {
  router.add(method, template, { handle });
}

async function parentScope(engine: CrudEngine, parent: CrudEntity, fk: CrudForeignKey, key: string): Promise<ParentScope> {
  const row = await findEntity(engine, parent, key);
  return { field: fk.field, parentId: row.id };
}

function registerCollection(router: AdminRouter<RouteHandler>, def: CrudEntity, options: EntityRouteOptions): void {
  const collection = `/${def.adminPath!}`;
  const entity = `${collection}/{${def.name}}`;
  on(router, 'GET', collection, async (ctx) => ok(await listEntities(options.engine(), def, ctx.query, collection)));
  on(router, 'POST', collection, async (ctx) => ({ status: 201, body: await createEntity(options.engine(), def, await options.input(def, ctx)) }));
  on(router, 'GET', entity, async (ctx) => ok(await getEntity(options.engine(), def, ctx.params[def.name]!)));
  on(router, 'PUT', entity, async (ctx) => ok(await upsertEntity(options.engine(), def, ctx.params[def.name]!, await options.input(def, ctx))));
  on(router, 'PATCH', entity, async (ctx) => ok(await updateEntity(options.engine(), def, ctx.params[def.name]!, await options.input(def, ctx))));
  on(router, 'DELETE', entity, async (ctx) => {
    await deleteEntity(options.engine(), def, ctx.params[def.name]!);
    return { status: 204 };
  });
}

function registerNested(router: AdminRouter<RouteHandler>, def: CrudEntity, parent: CrudEntity, fk: CrudForeignKey, options: EntityRouteOptions): void {
  const childPath = def.nestedAdminPath ?? def.adminPath!;
  const collection = `/${parent.adminPath!}/{${parent.name}}/${childPath}`;
  const entity = `${collection}/{${def.name}}`;
  const scopeOf = async (ctx: AdminContext): Promise<{ engine: CrudEngine; scope: ParentScope }> => {
    const engine = options.engine();
    return { engine, scope: await parentScope(engine, parent, fk, ctx.params[parent.name]!) };
  };
  on(router, 'GET', collection, async (ctx) => {
    const { engine, scope } = await scopeOf(ctx);
    const base = `/${parent.adminPath!}/${escapeUri(ctx.params[parent.name]!)}/${childPath}`;
    return ok(await listEntities(engine, def, ctx.query, base, scope));
  });
  on(router, 'POST', collection, async (ctx) => {
    const { engine, scope } = await scopeOf(ctx);
    return { status: 201, body: await createEntity(engine, def, await options.input(def, ctx), scope) };
  });
  on(router, 'GET', entity, async (ctx) => {
    const { engine, scope } = await scopeOf(ctx);
    return ok(await getEntity(engine, def, ctx.params[def.name]!, scope));
  });
  on(router, 'PUT', entity, async (ctx) => {
    const { engine, scope } = await scopeOf(ctx);
    return ok(await upsertEntity(engine, def, ctx.params[def.name]!, await options.input(def, ctx), scope));
  });
  on(router, 'PATCH', entity, async (ctx) => {
    const { engine, scope } = await scopeOf(ctx);
    return ok(await updateEntity(engine, def, ctx.params[def.name]!, await options.input(def, ctx), scope));
  });
  on(router, 'DELETE', entity, async (ctx) => {
    const { engine, scope } = await scopeOf(ctx);
    await deleteEntity(engine, def, ctx.params[def.name]!, scope);
    return { status: 204 };
  });
}

/** `/routes/{routes}/service`: the parent an entity points at. DELETE is not offered (405). */
function registerParentOf(router: AdminRouter<RouteHandler>, def: CrudEntity, parent: CrudEntity, fk: CrudForeignKey, options: EntityRouteOptions): void {
  const template = `/${def.adminPath!}/{${def.name}}/${fk.field}`;
  const child = async (ctx: AdminContext): Promise<{ engine: CrudEngine; row: Awaited<ReturnType<typeof findEntity>>; parentId: string | null }> => {
    const engine = options.engine();
    const row = await findEntity(engine, def, ctx.params[def.name]!);
    return { engine, row, parentId: foreignIdOf(row, fk.field) };
  };
  on(router, 'GET', template, async (ctx) => {
    const { engine, parentId } = await child(ctx);
    if (parentId === null) throw notFound();
    return ok(await getEntity(engine, parent, parentId));
  });
  on(router, 'PATCH', template, async (ctx) => {
    const { engine, parentId } = await child(ctx);
    if (parentId === null) throw notFound();
    return ok(await updateEntity(engine, parent, parentId, await options.input(parent, ctx)));
  });
  on(router, 'PUT', template, async (ctx) => {
    const { engine, row, parentId } = await child(ctx);
    if (parentId !== null) return ok(await upsertEntity(engine, parent, parentId, await options.input(parent, ctx)));
    // No parent yet: Kong creates one and links the child to it.
    const created = await createEntity(engine, parent, await options.input(parent, ctx));
    await updateEntity(engine, def, row.id, { [fk.field]: { id: created.id } });
    return ok(created);
  });
}

export function registerEntityRoutes(router: AdminRouter<RouteHandler>, defs: Readonly<Record<string, CrudEntity>>, options: EntityRouteOptions): void {
  for (const def of Object.values(defs)) {
    if (options.skip?.has(def.name) || def.adminPath === null) continue;
    registerCollection(router, def, options);
    for (const fk of def.foreignKeys) {
      const parent = defs[fk.reference];
      if (!parent || parent.adminPath === null) continue;
      registerNested(router, def, parent, fk, options);
      registerParentOf(router, def, parent, fk, options);
    }
  }
}
