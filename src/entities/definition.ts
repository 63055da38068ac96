// EntityDefinition: what the store, declarative loader and Admin API need to know about an
// entity (Kong's DAO metadata: endpoint_key, cache_key, ttl, foreign keys, uniques) plus its
// schema and a validate() that runs the entity's write-time transformations.
import { ErrorCode, KongError } from '../core/errors.ts';
import {
  messages, schemaViolation, toKongSchemaJson, validateEntity, validateField,
} from '../schema/index.ts';
import type { EntityRow, Schema, ValidateOptions, ValidationMode } from '../schema/index.ts';
import { foreignUniqueFields } from './registry.ts';

export type OnDelete = 'cascade' | 'restrict' | 'null';

export interface ForeignKeyInfo { field: string; reference: string; onDelete: OnDelete }

export interface EntityDefinition {
  /** Table name (declarative section, store table, `/schemas/{name}`). */
  name: string;
  /** Admin API collection path segment (`services`, `ca_certificates`, `key-auths`), or null. */
  adminPath: string | null;
  /** Kong's admin_api_nested_name (`/consumers/{c}/key-auth`); defaults to adminPath. */
  nestedAdminPath?: string | null;
  /** Field that may replace the id in Admin API URLs. */
  endpointKey: string | null;
  /** Field that may replace the id in nested Admin API URLs only (acls: `group` per consumer). */
  scopedEndpointKey?: string | null;
  primaryKey: string[];
  /** `id` plus every field declared unique. */
  uniqueFields: string[];
  foreignKeys: ForeignKeyInfo[];
  /** Composite uniqueness key (plugins, targets, acls), or null. */
  cacheKey: string[] | null;
  /** Accepts a top-level `ttl` (seconds) on writes; validate() keeps it on the returned row. */
  ttl: boolean;
  hasTags: boolean;
  /** Input-only fields that are not stored but returned (certificates.snis). */
  transientFields: string[];
  schema: Schema;
  /** Validate a write; returns the full row (nulls = true) or throws KongError code 2. */
  validate(input: unknown, mode: ValidationMode, existing?: EntityRow, options?: EntityValidateOptions): EntityRow;
  schemaJson(): object;
}

export interface EntityValidateOptions {
  /** Clock in seconds (with fraction) for the auto timestamps; defaults to now. */
  now?: number;
  /**
   * false for a declarative file with `_transform: false` (Kong's export): write transformations
   * such as basic-auth password hashing are skipped, the values are stored as given.
   */
  transform?: boolean;
}

export interface EntityOptions {
  name: string;
  adminPath?: string | null;
  nestedAdminPath?: string | null;
  endpointKey?: string | null;
  scopedEndpointKey?: string | null;
  cacheKey?: string[] | null;
  ttl?: boolean;
  schema: Schema;
  /** Rewrites raw input before validation (shorthands Kong handles in its DAO). */
  prepare?: (input: Record<string, unknown>, mode: ValidationMode, existing?: EntityRow) => Record<string, unknown>;
  /** Write-time transformation of the validated row (e.g. targets' default port). */
  finalize?: (row: EntityRow, mode: ValidationMode, input: Record<string, unknown>, options?: EntityValidateOptions) => EntityRow;
  /** Replaces the schema used for one input (plugins: per-plugin `config`). */
  schemaFor?: (input: Record<string, unknown>) => Schema | KongError;
}

const TTL_FIELD = { type: 'integer', between: [0, 100_000_000] } as const;
const TTL_ERROR = 'must be an integer between 0 and 100000000';

export function defineEntity(options: EntityOptions): EntityDefinition {
  const { schema } = options;
  const fields = Object.entries(schema.fields);
  const definition: EntityDefinition = {
    name: options.name,
    adminPath: options.adminPath === undefined ? options.name : options.adminPath,
    nestedAdminPath: options.nestedAdminPath ?? null,
    endpointKey: options.endpointKey ?? null,
    scopedEndpointKey: options.scopedEndpointKey ?? null,
    primaryKey: ['id'],
    uniqueFields: ['id', ...fields.filter(([, f]) => f.unique).map(([n]) => n)],
    foreignKeys: fields.filter(([, f]) => f.type === 'foreign').map(([field, f]) => ({
      field, reference: f.reference!, onDelete: f.on_delete ?? 'restrict',
    })),
    cacheKey: options.cacheKey ?? null,
    ttl: options.ttl ?? false,
    hasTags: Object.hasOwn(schema.fields, 'tags'),
    transientFields: fields.filter(([, f]) => f.transient).map(([n]) => n),
    schema,
    validate(input, mode, existing, extraOptions) {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        throw schemaViolation({ '@entity': [messages.BAD_INPUT] });
      }
      let data = { ...(input as Record<string, unknown>) };
      const extra: Record<string, unknown> = {};
      // Kong's Admin API moves `ttl` into the DAO options for ttl-enabled entities and checks
      // it there (kong/db/dao/init.lua validate_options_value → code 11); elsewhere it stays
      // in the body and is an unknown field.
      if (definition.ttl && Object.hasOwn(data, 'ttl')) {
        if (data.ttl !== null && validateField(TTL_FIELD, data.ttl) !== undefined) {
          throw new KongError(ErrorCode.INVALID_OPTIONS, `invalid option (ttl: ${TTL_ERROR})`, { ttl: TTL_ERROR });
        }
        if (data.ttl !== null) extra.ttl = data.ttl;
        delete data.ttl;
      }
      if (options.prepare) data = options.prepare(data, mode, existing);
      const chosen = options.schemaFor ? options.schemaFor({ ...existing, ...data }) : schema;
      if (chosen instanceof KongError) throw chosen;
      const validateOptions: ValidateOptions = { existing: existing ?? null, foreignUniqueFields, now: extraOptions?.now };
      let row = validateEntity(chosen, data, mode, validateOptions) as EntityRow;
      Object.assign(row, extra);
      if (options.finalize) row = options.finalize(row, mode, data, extraOptions);
      return row;
    },
    schemaJson() {
      return toKongSchemaJson(schema);
    },
  };
  return definition;
}
