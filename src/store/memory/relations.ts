// Constraint metadata the memory store enforces: unique fields, composite cache keys (Kong keeps
// `cache_key` as a UNIQUE column, so e.g. two plugins with the same name+route+service+consumer
// collide) and foreign keys with their on-delete behaviour. Derived from the entity definitions;
// tables without metadata are plain (primary key only).

export type OnDelete = 'cascade' | 'restrict' | 'null';

export interface ForeignKeyRelation {
  field: string;
  reference: string;
  onDelete: OnDelete;
}

export interface TableRelations {
  uniqueFields: string[];
  foreignKeys: ForeignKeyRelation[];
  cacheKey: string[] | null;
}

/** The subset of an EntityDefinition the store needs (kept structural so plugin DAOs can add tables). */
export interface RelationSource {
  uniqueFields: string[];
  foreignKeys: ForeignKeyRelation[];
  cacheKey: string[] | null;
}

export type RelationMap = ReadonlyMap<string, TableRelations>;

const PLAIN: TableRelations = { uniqueFields: [], foreignKeys: [], cacheKey: null };

export function buildRelations(sources: Record<string, RelationSource>): RelationMap {
  const map = new Map<string, TableRelations>();
  for (const [table, source] of Object.entries(sources)) {
    map.set(table, {
      uniqueFields: [...source.uniqueFields],
      foreignKeys: source.foreignKeys.map((fk) => ({ field: fk.field, reference: fk.reference, onDelete: fk.onDelete })),
      cacheKey: source.cacheKey ? [...source.cacheKey] : null,
    });
  }
  return map;
}

export function relationsOf(relations: RelationMap, table: string): TableRelations {
  return relations.get(table) ?? PLAIN;
}

/** Every (child table, foreign key) pair that points at `table`. */
export function referencingKeys(relations: RelationMap, table: string): Array<{ table: string; fk: ForeignKeyRelation }> {
  const out: Array<{ table: string; fk: ForeignKeyRelation }> = [];
  for (const [child, rel] of relations) {
    for (const fk of rel.foreignKeys) if (fk.reference === table) out.push({ table: child, fk });
  }
  return out;
}

/** The id a foreign field points at: rows carry `{id}`; a bare string id is tolerated. */
export function foreignId(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return null;
}

/** Whether a composite cache key behaves as a separate constraint (single-field keys are plain uniques). */
export function compositeKey(rel: TableRelations): string[] | null {
  if (!rel.cacheKey || rel.cacheKey.length === 0) return null;
  if (rel.cacheKey.length === 1 && rel.uniqueFields.includes(rel.cacheKey[0]!)) return null;
  return rel.cacheKey;
}
