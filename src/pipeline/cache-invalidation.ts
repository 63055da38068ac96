// Keeps kong.cache honest across config versions: entries remember the tables they were read
// from, and a new config drops exactly the entries of tables whose rows changed (Kong
// invalidates per entity on CRUD events and flushes everything on a DB-less reload; comparing
// per table keeps a route edit from flushing every cached credential).
import type { NodeCache } from '../pdk/index.ts';

type Tables = Readonly<Record<string, ReadonlyArray<unknown>>>;

/**
 * The tables whose rows differ between two entity sets (added, removed or changed rows).
 * @example
 * changedTables({ routes: [a] }, { routes: [b], consumers: [] }); // ['routes']
 */
export function changedTables(previous: Tables, next: Tables): string[] {
  const changed: string[] = [];
  for (const table of new Set([...Object.keys(previous), ...Object.keys(next)])) {
    const before = previous[table] ?? [];
    const after = next[table] ?? [];
    if (before.length !== after.length || JSON.stringify(before) !== JSON.stringify(after)) changed.push(table);
  }
  return changed;
}

/**
 * The hook the runtime calls when a new config version is installed: drops the cache entries
 * read from changed tables, or everything when the previous config is unknown.
 * @example
 * onConfigChange(environment.cache, previousEntities, nextEntities);
 */
export function onConfigChange(cache: NodeCache, previous: Tables | null, next: Tables): string[] | 'all' {
  if (previous === null) {
    cache.purge();
    return 'all';
  }
  const tables = changedTables(previous, next);
  if (tables.length > 0) cache.invalidateTables(tables);
  return tables;
}

/**
 * The hook for single-entity events (Admin API writes in DB mode, cluster events).
 * @example
 * onEntityChange(environment.cache, 'keyauth_credentials');
 */
export function onEntityChange(cache: NodeCache, table: string): void {
  cache.invalidateTables([table]);
}
