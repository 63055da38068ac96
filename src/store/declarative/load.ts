// loadDeclarative: kong.yml / JSON → validated rows per table (Kong's declarative flatten()).
// Errors come in Kong's phases: first every schema/structure error of the file; only when there
// is none, every reference and duplicate error; then uniqueness across the flattened rows.
import { ErrorCode, KongError, luaRepr } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import type { EntitySet } from '../../entities/types.ts';
import { checkDocument } from './document.ts';
import { ErrorTree, declarativeConfigError } from './error-tree.ts';
import { emptyEntitySet } from './export.ts';
import { flattenErrors } from './flatten-errors.ts';
import { generateId } from './ids.ts';
import { migrateLegacyFormat } from './migrate.ts';
import { DeclarativeParseError, EMPTY_CONFIG_HASH, md5Hex, parseDeclarativeText } from './parse.ts';
import { tableCatalog } from './tables.ts';
import type { TableCatalog } from './tables.ts';
import { isPlainRecord, walkSection } from './walk.ts';
import type { PendingEntity } from './walk.ts';

export interface LoadDeclarativeOptions {
  /** Add Kong's `flattened_errors` list to the error (POST /config?flatten_errors=1). */
  flattenErrors?: boolean;
  /** Enabled plugins (kong.conf `plugins`); when given, other plugin names are rejected. */
  pluginNames?: Iterable<string>;
}

export interface DeclarativeConfig {
  entities: EntitySet;
  hash: string;
  formatVersion: string;
  /** `_transform` (default true): whether write transformations ran (Kong §6.1). */
  transform: boolean;
}

/** Stands in for an unresolvable reference so the rest of the entity still gets validated. */
const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

type Validated = { entity: PendingEntity; row: Record<string, unknown> & { id: string } };

function uniquenessMessage(table: string, key: string, value: unknown): string {
  return `uniqueness violation: '${table}' entity with ${key} set to '${String(value)}' already declared`;
}

/**
 * With flatten_errors Kong drains the error table into `flattened_errors` and builds `fields`
 * and the message from what is left (often `{}`), exactly as done here.
 */
function fail(errors: ErrorTree, pending: PendingEntity[], catalog: TableCatalog, options: LoadDeclarativeOptions): never {
  if (!options.flattenErrors) throw errors.toKongError();
  const { flattened, leftovers } = flattenErrors(errors.root, pending, catalog);
  throw declarativeConfigError(leftovers, { flattened_errors: flattened });
}

/** Phase 2a: ids and endpoint keys must be unique per table (populate_references). */
function indexEntities(pending: PendingEntity[], catalog: TableCatalog, errors: ErrorTree) {
  const byKey = new Map<string, Map<unknown, PendingEntity>>();
  const byId = new Map<string, Map<string, PendingEntity>>();
  for (const entity of pending) {
    const definition = catalog.get(entity.table)!;
    const endpointKey = definition.endpointKey;
    const key = endpointKey && definition.uniqueFields.includes(endpointKey) ? entity.input[endpointKey] : undefined;
    if (!byKey.has(entity.table)) byKey.set(entity.table, new Map());
    if (!byId.has(entity.table)) byId.set(entity.table, new Map());
    if (key !== undefined && key !== null) {
      if (byKey.get(entity.table)!.has(key)) {
        errors.addEntityMessage(entity.slot, uniquenessMessage(entity.table, endpointKey!, key));
        continue;
      }
      byKey.get(entity.table)!.set(key, entity);
    }
    if (byId.get(entity.table)!.has(entity.id)) {
      errors.addEntityMessage(entity.slot, uniquenessMessage(entity.table, 'primary key', entity.id));
    } else {
      byId.get(entity.table)!.set(entity.id, entity);
    }
  }
  return (table: string, reference: string): PendingEntity | undefined =>
    byKey.get(table)?.get(reference) ?? byId.get(table)?.get(reference);
}

function validateEntities(
  pending: PendingEntity[], catalog: TableCatalog, errors: ErrorTree, references: ErrorTree, options: LoadDeclarativeOptions,
  transform = true,
): Validated[] {
  const find = indexEntities(pending, catalog, references);
  const plugins = options.pluginNames ? new Set(options.pluginNames) : null;
  const validated: Validated[] = [];
  for (const entity of pending) {
    const definition = catalog.get(entity.table)!;
    const data: Record<string, unknown> = { ...entity.input, id: entity.id };
    const fieldErrors: Record<string, unknown> = {};
    for (const fk of definition.foreignKeys) {
      // A nested entry's parent is implicit (and wins over a value it names itself).
      if (entity.parent?.field === fk.field) {
        const parentId = entity.parent.entity.id;
        data[fk.field] = { id: isUuid(parentId) ? parentId : PLACEHOLDER_ID };
        continue;
      }
      // Any other foreign key is a string: the parent's id or endpoint key. Kong accepts this in
      // nested entries too (its second, foreign-aware validation pass), e.g. a plugin nested in
      // a service that also names a consumer.
      const value = data[fk.field];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string') {
        fieldErrors[fk.field] = 'expected a string';
        data[fk.field] = { id: PLACEHOLDER_ID };
        continue;
      }
      const target = find(fk.reference, value);
      if (!target) {
        references.addReferenceMessage(entity.slot, `invalid reference '${fk.field}: ${value}' (no such entry in '${fk.reference}')`);
      }
      data[fk.field] = { id: target && isUuid(target.id) ? target.id : PLACEHOLDER_ID };
    }
    if (plugins && entity.table === 'plugins' && typeof data.name === 'string' && !plugins.has(data.name)) {
      fieldErrors.name = `plugin '${data.name}' not enabled; add it to the 'plugins' configuration property`;
    }
    try {
      const row = definition.validate(data, 'insert', undefined, { transform });
      // An exported file carries its timestamps; keeping `updated_at` too (the schema re-stamps
      // it on every write) makes import → export → import stable, and so the config hash.
      if (typeof data.updated_at === 'number' && typeof row.updated_at === 'number') row.updated_at = data.updated_at;
      if (Object.keys(fieldErrors).length === 0) validated.push({ entity, row });
    } catch (error) {
      if (!(error instanceof KongError) || error.code !== ErrorCode.SCHEMA_VIOLATION) throw error;
      Object.assign(fieldErrors, error.fields ?? { '@entity': [error.message] }, fieldErrors);
    }
    if (Object.keys(fieldErrors).length > 0) errors.addFieldErrors(entity.slot, fieldErrors);
  }
  return validated;
}

/** Phase 3: unique fields and composite cache keys across the flattened rows. */
function checkUniqueness(validated: Validated[], catalog: TableCatalog, errors: ErrorTree): void {
  const seen = new Map<string, Set<string>>();
  const claim = (name: string, value: string): boolean => {
    if (!seen.has(name)) seen.set(name, new Set());
    const values = seen.get(name)!;
    if (values.has(value)) return false;
    values.add(value);
    return true;
  };
  for (const { entity, row } of validated) {
    const definition = catalog.get(entity.table)!;
    for (const field of definition.uniqueFields) {
      const value = row[field];
      if (field === 'id' || value === null || value === undefined) continue;
      if (!claim(`${entity.table}.${field}`, JSON.stringify(value))) {
        errors.addEntityMessage(entity.slot, uniquenessMessage(entity.table, field, value));
      }
    }
    if (definition.cacheKey && definition.cacheKey.length > 1) {
      const key = Object.fromEntries(definition.cacheKey.map((f) => [f, row[f] ?? null]));
      if (!claim(`${entity.table}.@cache_key`, JSON.stringify(key))) {
        errors.addEntityMessage(entity.slot, uniquenessMessage(entity.table, 'cache key', luaRepr(key)));
      }
    }
  }
}

function parseInput(input: string | Record<string, unknown>): { document: Record<string, unknown>; hash: string } {
  try {
    if (typeof input === 'string') return { document: parseDeclarativeText(input), hash: md5Hex(input) };
    if (!isPlainRecord(input)) throw new DeclarativeParseError('failed parsing declarative configuration: expected an object');
    return { document: structuredClone(input), hash: md5Hex(JSON.stringify(input)) };
  } catch (error) {
    if (!(error instanceof DeclarativeParseError)) throw error;
    const tree = new ErrorTree();
    tree.setTopLevel('error', error.message);
    throw tree.toKongError();
  }
}

export function loadDeclarative(input: string | Record<string, unknown>, options: LoadDeclarativeOptions = {}): DeclarativeConfig {
  const { document, hash } = parseInput(input);
  const catalog = tableCatalog();
  const errors = new ErrorTree();
  const meta = checkDocument(document, catalog, errors);
  if (meta.formatVersion === '1.1' || meta.formatVersion === '2.1') migrateLegacyFormat(document);

  const pending: PendingEntity[] = [];
  for (const table of catalog.order) {
    const section = document[table];
    if (Array.isArray(section)) walkSection(catalog, table, section, [], null, errors, pending);
  }
  // Parents precede their children in `pending`, so a child's key can use its parent's id.
  for (const entity of pending) {
    const given = entity.input.id;
    entity.id = given === undefined || given === null ? generateId(catalog.get(entity.table)!, entity) : String(given);
  }

  const references = new ErrorTree();
  const validated = validateEntities(pending, catalog, errors, references, options, meta.transform);
  if (!errors.empty) fail(errors, pending, catalog, options);
  if (!references.empty) fail(references, pending, catalog, options);
  checkUniqueness(validated, catalog, errors);
  if (!errors.empty) fail(errors, pending, catalog, options);

  const entities = emptyEntitySet();
  for (const { entity, row } of validated) {
    if (!entities[entity.table]) entities[entity.table] = [];
    entities[entity.table]!.push(row);
  }
  return {
    entities,
    hash: validated.length === 0 ? EMPTY_CONFIG_HASH : hash,
    formatVersion: meta.formatVersion!,
    transform: meta.transform,
  };
}
