// The schema DSL's vocabulary. Attribute names are Kong's (kong/db/schema/init.lua,
// metaschema.lua) so a declaration reads like the Lua original and `/schemas/...` JSON can be
// produced from it without renaming anything.

export type FieldType =
  | 'string' | 'integer' | 'number' | 'boolean'
  | 'array' | 'set' | 'map' | 'record' | 'foreign';

/** A custom validator returns true when the value is fine, or Kong's error message. */
export type CustomValidator = (value: any) => true | string;

/** `{pattern, err}` pairs of Kong's match_all / match_none (Lua patterns). */
export interface PatternRule { pattern: string; err: string }

export interface FieldDef {
  type: FieldType;
  description?: string;
  required?: boolean;
  default?: unknown;
  /** uuid → generated id; timestamp → created_at/updated_at; string → random string. */
  auto?: boolean;
  unique?: boolean;
  indexed?: boolean;
  immutable?: boolean;
  referenceable?: boolean;
  encrypted?: boolean;
  /** Credentials and secrets: Kong hides them from some outputs. */
  sensitive?: boolean;
  /** Accepted on input and validated, but not stored as a column (certificates.snis). */
  transient?: boolean;
  uuid?: boolean;
  timestamp?: boolean;
  eq?: unknown;
  ne?: unknown;
  gt?: number;
  one_of?: readonly unknown[];
  not_one_of?: readonly unknown[];
  between?: readonly [number, number];
  len_eq?: number;
  len_min?: number;
  len_max?: number;
  starts_with?: string;
  /** Lua patterns (Kong's own schemas only; never user input). */
  match?: string;
  not_match?: string;
  match_all?: readonly PatternRule[];
  match_none?: readonly PatternRule[];
  match_any?: { patterns: readonly string[]; err: string };
  contains?: unknown;
  /** Sets only: groups of values that may not be mixed (routes.protocols). */
  mutually_exclusive_subsets?: readonly (readonly string[])[];
  custom_validator?: CustomValidator;
  /** Replaces the message of any failing validator (Kong's `err` attribute). */
  err?: string;
  /** array / set */
  elements?: FieldDef;
  /** map */
  keys?: FieldDef;
  values?: FieldDef;
  /** record */
  fields?: FieldMap;
  entity_checks?: readonly EntityCheck[];
  /** foreign */
  reference?: string;
  on_delete?: 'cascade' | 'restrict' | 'null';
}

/** Field declarations in output order (JS keeps insertion order for string keys). */
export type FieldMap = { readonly [name: string]: FieldDef };

/** Kong's conditional checker: if `if_field` passes `if_match`, `then_field` must pass `then_match`. */
export interface ConditionalCheck {
  if_field: string;
  if_match: Partial<FieldDef>;
  then_field: string;
  then_match: Partial<FieldDef>;
  then_err?: string;
}

export interface ConditionalAtLeastOneOfCheck {
  if_field: string;
  if_match: Partial<FieldDef>;
  then_at_least_one_of: readonly string[];
  then_err?: string;
  else_match?: Partial<FieldDef>;
  else_then_at_least_one_of?: readonly string[];
  else_then_err?: string;
}

/**
 * Result of a custom entity check: true, an entity-level message, or field errors
 * (`'@entity'` key for entity-level lines).
 */
export type CheckResult = true | string | { [field: string]: unknown };

export interface CustomEntityCheck {
  field_sources: readonly string[];
  run_with_missing_fields?: boolean;
  run_with_invalid_fields?: boolean;
  fn: (entity: Record<string, any>) => CheckResult;
}

/** One entry of `entity_checks` — a single-key object as in Kong. */
export type EntityCheck =
  | { at_least_one_of: readonly string[] }
  | { only_one_of: readonly string[] }
  | { distinct: readonly string[] }
  | { mutually_required: readonly string[] }
  | { mutually_exclusive: readonly string[] }
  | { mutually_exclusive_sets: { set1: readonly string[]; set2: readonly string[] } }
  | { conditional: ConditionalCheck }
  | { conditional_at_least_one_of: ConditionalAtLeastOneOfCheck }
  | { custom_entity_check: CustomEntityCheck };

/** Input-only field expanded before validation (service `url`, upstream hash shorthands). */
export interface ShorthandField {
  field: FieldDef;
  /** Returns the fields it expands to (given null too); they overwrite same-named input fields. */
  expand: (value: any) => Record<string, unknown>;
}

export interface SchemaDef<F extends FieldMap = FieldMap> {
  name: string;
  fields: F;
  entity_checks?: readonly EntityCheck[];
  shorthand_fields?: { readonly [name: string]: ShorthandField };
  /**
   * Whole-entity check run after field validation (Kong's `check` / DAO-level validation),
   * given the processed entity and the field errors found so far; returns errors to add.
   */
  check?: (entity: Record<string, any>, errors: Readonly<Record<string, unknown>>) => CheckResult;
}

export type Schema<F extends FieldMap = FieldMap> = SchemaDef<F> & { readonly __schema: true };

export type ValidationMode = 'insert' | 'upsert' | 'update';

/** A stored row in Kong's Admin API shape (same shape as the store's Row). */
export type EntityRow = Record<string, unknown> & { id: string };

export interface ValidateOptions {
  /** Row the update applies to (mode `update`): the input is deep-merged onto it. */
  existing?: Record<string, unknown> | null;
  /** Clock override in seconds with fraction (tests, declarative loads). */
  now?: number;
  /**
   * Unique fields of a foreign entity; a foreign value without `id` may carry one of these
   * instead (`{"service": {"name": "x"}}`), left unresolved for the store.
   */
  foreignUniqueFields?: (reference: string) => readonly string[];
  /**
   * Set by validateEntity for PATCH: Kong's validate_update words some entity-check messages
   * differently ("when updating, …").
   */
  updating?: boolean;
}

// ---- Infer<> -------------------------------------------------------------------------------

type Nullable<D, T> = D extends { required: true } | { auto: true } ? T : D extends { default: {} } ? T : T | null;

type InferBase<D> =
  D extends { type: 'string' } ? (D extends { one_of: readonly (infer E)[] } ? E : string)
  : D extends { type: 'integer' | 'number' } ? number
  : D extends { type: 'boolean' } ? boolean
  : D extends { type: 'array' | 'set'; elements: infer E } ? Array<InferBase<E>>
  : D extends { type: 'map'; values: infer V } ? Record<string, InferBase<V>>
  : D extends { type: 'record'; fields: infer R extends FieldMap } ? InferFields<R>
  : D extends { type: 'foreign' } ? { id: string }
  : unknown;

export type InferField<D> = Nullable<D, InferBase<D>>;
export type InferFields<F extends FieldMap> = { -readonly [K in keyof F]: InferField<F[K]> };
/** The TypeScript shape a schema validates into (nulls = true output). */
export type Infer<S> = S extends { fields: infer F extends FieldMap } ? InferFields<F> : never;
