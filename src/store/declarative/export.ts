// Entity sets out of the declarative layer: the empty set, the POST /config 201 body and the
// YAML export (kong/db/declarative/export.lua: flat sections, `_transform: false`, foreign keys
// as plain ids, null fields left out), ordered so that import → export → import is stable.
import { stringify } from 'yaml';
import type { EntitySet } from '../../entities/types.ts';
import { tableCatalog } from './tables.ts';

export function emptyEntitySet(): EntitySet {
  return {
    services: [], routes: [], consumers: [], plugins: [], upstreams: [], targets: [],
    certificates: [], snis: [], ca_certificates: [],
  } as EntitySet;
}

/** Kong's POST /config success body: `{ <table>: { <id>: entity } }` for tables that have rows, no ws_id. */
export function flattenEntities(entities: EntitySet): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [table, rows] of Object.entries(entities)) {
    if (table === 'workspaces' || !Array.isArray(rows) || rows.length === 0) continue;
    const byId: Record<string, unknown> = {};
    for (const row of rows) {
      const { ws_id: _ignored, ...rest } = row as Record<string, unknown>;
      byId[String(row.id)] = rest;
    }
    out[table] = byId;
  }
  return out;
}

/** Sections in dependency order, then any other table alphabetically. */
function exportOrder(entities: EntitySet): string[] {
  const known = tableCatalog().order;
  const extra = Object.keys(entities).filter((t) => !known.includes(t) && t !== 'workspaces').sort();
  return [...known, ...extra];
}

/** Null fields are dropped at every depth (export.lua remove_nulls); array elements are kept. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== null && inner !== undefined) out[key] = withoutNulls(inner);
  }
  return out;
}

function exportRow(row: Record<string, unknown>, foreignFields: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || value === undefined || key === 'ws_id') continue;
    const id = foreignFields.has(key) && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
    out[key] = id === undefined ? withoutNulls(value) : id;
  }
  return out;
}

export function exportDeclarative(entities: EntitySet): string {
  const catalog = tableCatalog();
  const document: Record<string, unknown> = { _format_version: '3.0', _transform: false };
  for (const table of exportOrder(entities)) {
    const rows = entities[table];
    if (!Array.isArray(rows) || rows.length === 0) continue;
    const foreignFields = new Set(catalog.get(table)?.foreignKeys.map((fk) => fk.field) ?? []);
    // Certificates' `snis` is a transient output field; the SNIs are exported as their own section.
    const transient = new Set(catalog.get(table)?.transientFields ?? []);
    document[table] = [...rows]
      .sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0))
      .map((row) => exportRow(Object.fromEntries(Object.entries(row).filter(([k]) => !transient.has(k))), foreignFields));
  }
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}
