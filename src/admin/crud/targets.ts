// Targets exist only under their upstream (kong/api/routes/upstreams.lua): `/targets` is 404.
// The list is computed in memory (deduplicated by `target`, newest first, numeric offsets),
// `/targets/all` pages the raw rows, and a target is addressed by id or by `host:port`.
import { ErrorCode, KongError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import type { Row, Store } from '../../store/types.ts';
import type { AdminContext, RouteHandler } from '../types.ts';
import { notFound } from '../http/errors.ts';
import type { AdminRouter } from '../http/router.ts';
import type { CrudEntities } from './definition.ts';
import type { CrudEngine, ParentScope } from './operations.ts';
import { createEntity, deleteEntity, findEntity, listEntities, updateEntity } from './operations.ts';
import { escapeUri, parseSize } from './paging.ts';
import { allByForeign } from './lookup.ts';
import type { EntityRouteOptions } from './routes.ts';

/** Kong appends the default port when a target is looked up without one. */
function withDefaultPort(target: string): string {
  if (/^\[[^\]]+\]$/.test(target)) return `${target}:8000`;
  if (/^\[[^\]]+\]:\d+$/.test(target) || /^[^:]+:\d+$/.test(target)) return target;
  return target.includes(':') ? target : `${target}:8000`;
}

function upstreamTargets(store: Store, upstreamId: string): Promise<Row[]> {
  return allByForeign(store, 'targets', 'upstream', upstreamId);
}

function newestFirst(rows: Row[]): Row[] {
  const sorted = [...rows].sort((a, b) => Number(b.created_at) - Number(a.created_at) || (a.id < b.id ? 1 : -1));
  const seen = new Set<unknown>();
  return sorted.filter((row) => (seen.has(row.target) ? false : (seen.add(row.target), true)));
}

/** A target of one upstream by id or `host[:port]` (default port 8000), newest row first. */
export async function findTarget(engine: CrudEngine, scope: ParentScope, key: string): Promise<Row> {
  if (isUuid(key)) return findEntity(engine, engine.defs.targets!, key, scope);
  const wanted = withDefaultPort(key);
  const match = newestFirst(await upstreamTargets(engine.store, scope.parentId)).find((row) => row.target === wanted);
  if (!match) throw notFound();
  return match;
}

export function registerTargetRoutes(router: AdminRouter<RouteHandler>, defs: CrudEntities, options: EntityRouteOptions): void {
  const targets = defs.targets!;
  const upstreams = defs.upstreams!;
  const collection = '/upstreams/{upstreams}/targets';
  const scoped = async (ctx: AdminContext): Promise<{ engine: CrudEngine; scope: ParentScope }> => {
    const engine = options.engine();
    const upstream = await findEntity(engine, upstreams, ctx.params.upstreams!);
    return { engine, scope: { field: 'upstream', parentId: upstream.id } };
  };

  router.add('GET', collection, {
    handle: async (ctx) => {
      const { engine, scope } = await scoped(ctx);
      const size = parseSize(ctx.query.get('size')) ?? 100;
      const rawOffset = ctx.query.get('offset');
      const start = rawOffset === null ? 0 : Number(rawOffset);
      if (!Number.isInteger(start) || start < 0) {
        throw new KongError(ErrorCode.INVALID_OFFSET, `'${rawOffset}' is not a valid offset: bad offset`);
      }
      const all = newestFirst(await upstreamTargets(engine.store, scope.parentId));
      const data = await Promise.all(all.slice(start, start + size).map((row) => engine.present(targets, row)));
      if (start + size >= all.length) return { status: 200, body: { data, next: null } };
      const offset = String(start + size);
      const next = `/upstreams/${escapeUri(ctx.params.upstreams!)}/targets?offset=${offset}`;
      return { status: 200, body: { data, offset, next } };
    },
  });
  router.add('POST', collection, {
    handle: async (ctx) => {
      const { engine, scope } = await scoped(ctx);
      return { status: 201, body: await createEntity(engine, targets, await options.input(targets, ctx), scope) };
    },
  });
  router.add('GET', `${collection}/all`, {
    handle: async (ctx) => {
      const { engine, scope } = await scoped(ctx);
      const base = `/upstreams/${escapeUri(ctx.params.upstreams!)}/targets/all`;
      return { status: 200, body: await listEntities(engine, targets, ctx.query, base, scope) };
    },
  });

  const entity = `${collection}/{targets}`;
  router.add('GET', entity, {
    handle: async (ctx) => {
      const { engine, scope } = await scoped(ctx);
      return { status: 200, body: await engine.present(targets, await findTarget(engine, scope, ctx.params.targets!)) };
    },
  });
  // PUT behaves like PATCH on an existing target; an unknown target is 404 (Kong 3.x).
  for (const method of ['PATCH', 'PUT']) {
    router.add(method, entity, {
      handle: async (ctx) => {
        const { engine, scope } = await scoped(ctx);
        const row = await findTarget(engine, scope, ctx.params.targets!);
        return { status: 200, body: await updateEntity(engine, targets, row.id, await options.input(targets, ctx), scope) };
      },
    });
  }
  router.add('DELETE', entity, {
    handle: async (ctx) => {
      const { engine, scope } = await scoped(ctx);
      const row = await findTarget(engine, scope, ctx.params.targets!).catch(() => null);
      if (row) await deleteEntity(engine, targets, row.id, scope);
      return { status: 204 };
    },
  });
}
