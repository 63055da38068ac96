// /tags and /tags/{tag} (kong/api/routes/tags.lua): Kong's read-only `tags` index, rows of
// `{tag, entity_name, entity_id}`, paginated like any collection. Portico derives the index from
// the tagged tables of the current store instead of maintaining a table, so it cannot drift.
import { ErrorCode, KongError } from '../../core/errors.ts';
import type { Store } from '../../store/types.ts';
import type { AdminReply, RouteHandler } from '../types.ts';
import type { AdminRouter } from '../http/router.ts';
import type { CrudEntities } from '../crud/definition.ts';
import { escapeUri, isValidTag, parseSize } from '../crud/paging.ts';

interface TagRow { tag: string; entity_name: string; entity_id: string }

const DEFAULT_SIZE = 100;

function cursorOf(row: TagRow): string {
  return `${row.entity_id}\u0000${row.tag}`;
}

function encodeCursor(row: TagRow): string {
  return Buffer.from(JSON.stringify([cursorOf(row)]), 'utf8').toString('base64url');
}

function decodeCursor(token: string): string {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(token)) {
    throw new KongError(ErrorCode.INVALID_OFFSET, `'${token}' is not a valid offset: bad base64 encoding`);
  }
  const text = Buffer.from(token, 'base64url').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && typeof parsed[0] === 'string') return parsed[0];
  } catch {
    // fall through to Kong's bad-json message
  }
  throw new KongError(ErrorCode.INVALID_OFFSET, `'${text}' is not a valid offset: bad json encoding`);
}

async function tagRows(store: Store, entities: CrudEntities, only: string | null): Promise<TagRow[]> {
  const rows: TagRow[] = [];
  for (const def of Object.values(entities)) {
    if (!def.hasTags) continue;
    for (const row of await store.all(def.name)) {
      const tags = Array.isArray(row.tags) ? (row.tags as unknown[]) : [];
      for (const tag of tags) {
        if (typeof tag === 'string' && (only === null || tag === only)) rows.push({ tag, entity_name: def.name, entity_id: row.id });
      }
    }
  }
  // Ordered by the index's primary key (entity id), then tag, so offsets are stable.
  return rows.sort((a, b) => (cursorOf(a) < cursorOf(b) ? -1 : cursorOf(a) > cursorOf(b) ? 1 : 0));
}

async function pageTags(store: Store, entities: CrudEntities, query: URLSearchParams, only: string | null, basePath: string, sizeInNext: boolean): Promise<AdminReply> {
  const size = parseSize(query.get('size')) ?? DEFAULT_SIZE;
  const offset = query.get('offset');
  const after = offset === null || offset === '' ? null : decodeCursor(offset);
  const all = await tagRows(store, entities, only);
  const start = after === null ? 0 : all.findIndex((row) => cursorOf(row) > after);
  const from = start === -1 ? all.length : start;
  const data = all.slice(from, from + size);
  if (from + size >= all.length) return { status: 200, body: { data, next: null } };
  const token = encodeCursor(data[data.length - 1]!);
  // /tags is a generated collection (its `next` keeps `size`); /tags/{tag} builds its own without.
  const sizeArg = sizeInNext ? query.get('size') : null;
  const next = `${basePath}?offset=${escapeUri(token)}${sizeArg === null ? '' : `&size=${escapeUri(sizeArg)}`}`;
  return { status: 200, body: { data, offset: token, next } };
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

export function registerTagRoutes(router: AdminRouter<RouteHandler>, store: () => Store, entities: () => CrudEntities): void {
  router.add('GET', '/tags', { handle: (ctx) => pageTags(store(), entities(), ctx.query, null, '/tags', true) });
  router.add('GET', '/tags/{tags}', {
    handle: (ctx) => {
      const tag = ctx.params.tags!;
      // The router keeps undecodable escapes (invalid UTF-8) literally; Kong rejects such a tag.
      const rawSegment = ctx.path.split('/')[2] ?? '';
      if (!isValidTag(tag) || !decodes(rawSegment)) {
        const message = `invalid tag '${tag}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`;
        throw new KongError(ErrorCode.INVALID_UNIQUE, `invalid unique tag: ${message}`);
      }
      return pageTags(store(), entities(), ctx.query, tag, `/tags/${escapeUri(tag)}`, false);
    },
  });
}
