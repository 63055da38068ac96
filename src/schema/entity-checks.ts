// Cross-field checks (`entity_checks`), following Schema.entity_checkers and run_entity_check
// in kong/db/schema/init.lua: each checker sees only the fields it names, is skipped when
// those fields already failed (unless it runs with invalid fields), and reports under
// `@entity` (plus a field error for `conditional`).
import { messages, quotedList } from './messages.ts';
import type { CheckResult, EntityCheck, FieldDef, FieldMap, ValidateOptions } from './types.ts';
import { isPlainObject, validateField } from './validate-field.ts';

type Errors = Record<string, unknown>;

export function getPath(entity: unknown, path: string): unknown {
  let cur: unknown = entity;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function setPath(target: Errors, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Errors;
  }
  cur[parts[parts.length - 1]!] = value;
}

function getFieldDef(fields: FieldMap, path: string): FieldDef | undefined {
  const [head, ...rest] = path.split('.');
  const def = fields[head!];
  if (!def || rest.length === 0) return def;
  return def.fields ? getFieldDef(def.fields, rest.join('.')) : undefined;
}

/** Kong's is_nonempty: null, empty string, empty table count as empty. */
export function isNonEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}

export function addEntityError(errors: Errors, message: string): void {
  const list = (errors['@entity'] as string[] | undefined) ?? [];
  list.push(message);
  errors['@entity'] = list;
}

/** Merge a CheckResult into the error table. */
export function applyCheckResult(errors: Errors, result: CheckResult | undefined): void {
  if (result === undefined || result === true) return;
  if (typeof result === 'string') {
    addEntityError(errors, result);
    return;
  }
  for (const [k, v] of Object.entries(result)) {
    if (k === '@entity') for (const m of v as string[]) addEntityError(errors, m);
    else setPath(errors, k, v);
  }
}

interface Checker {
  runWithMissing: boolean;
  runWithInvalid: boolean;
  /** Field names and which of them must be present. */
  sources: (arg: any) => { fields: string[]; required: string[] };
  fn: (entity: unknown, arg: any, fields: FieldMap, errors: Errors, options: ValidateOptions) => CheckResult;
}

const listSources = (arg: readonly string[]) => ({ fields: [...arg], required: [...arg] });
const countNonEmpty = (entity: unknown, names: readonly string[]) => names.filter((n) => isNonEmpty(getPath(entity, n)));

function matches(fields: FieldMap, path: string, match: Partial<FieldDef>, value: unknown, options: ValidateOptions): boolean {
  const base = getFieldDef(fields, path);
  return validateField({ ...base, ...match } as FieldDef, value, options) === undefined;
}

const checkers: Record<string, Checker> = {
  at_least_one_of: {
    runWithMissing: true, runWithInvalid: true, sources: listSources,
    fn: (e, names, _f, _e, options) => countNonEmpty(e, names).length > 0
      || `${options.updating ? 'when updating, ' : ''}${messages.AT_LEAST_ONE_OF(quotedList(names))}`,
  },
  only_one_of: {
    runWithMissing: false, runWithInvalid: true, sources: listSources,
    fn: (e, names) => countNonEmpty(e, names).length === 1 || messages.ONLY_ONE_OF(quotedList(names)),
  },
  distinct: {
    runWithMissing: false, runWithInvalid: true, sources: listSources,
    fn: (e, names: string[]) => {
      const values = names.map((n) => getPath(e, n)).filter(isNonEmpty);
      return new Set(values).size === values.length || messages.DISTINCT(quotedList(names));
    },
  },
  mutually_required: {
    runWithMissing: true, runWithInvalid: false, sources: listSources,
    fn: (e, names) => {
      const n = countNonEmpty(e, names).length;
      return n === 0 || n === names.length || messages.MUTUALLY_REQUIRED(quotedList(names));
    },
  },
  mutually_exclusive: {
    runWithMissing: true, runWithInvalid: false, sources: listSources,
    fn: (e, names) => countNonEmpty(e, names).length <= 1 || messages.MUTUALLY_EXCLUSIVE(quotedList(names)),
  },
  mutually_exclusive_sets: {
    runWithMissing: true, runWithInvalid: false,
    sources: (arg) => ({ fields: [...arg.set1, ...arg.set2], required: [] }),
    fn: (e, arg) => {
      const a = countNonEmpty(e, arg.set1);
      const b = countNonEmpty(e, arg.set2);
      return a.length === 0 || b.length === 0 || messages.MUTUALLY_EXCLUSIVE_SETS(`(${quotedList(a)}), (${quotedList(b)})`);
    },
  },
  conditional: {
    runWithMissing: false, runWithInvalid: true,
    sources: (arg) => ({ fields: [arg.if_field, arg.then_field], required: [arg.if_field] }),
    fn: (e, arg, fields, errors, options) => {
      if (!matches(fields, arg.if_field, arg.if_match, getPath(e, arg.if_field), options)) return true;
      const thenValue = getPath(e, arg.then_field) ?? null;
      let fieldError: unknown;
      if (arg.then_match.required === true && thenValue === null) fieldError = messages.REQUIRED;
      else fieldError = validateField({ ...getFieldDef(fields, arg.then_field), ...arg.then_match } as FieldDef, thenValue, options);
      if (fieldError === undefined) return true;
      setPath(errors, arg.then_field, fieldError);
      return arg.then_err ? arg.then_err.replace('%s', arg.if_field) : messages.CONDITIONAL(arg.if_field);
    },
  },
  conditional_at_least_one_of: {
    runWithMissing: true, runWithInvalid: true,
    sources: (arg) => ({
      fields: [arg.if_field, ...arg.then_at_least_one_of, ...(arg.else_then_at_least_one_of ?? [])],
      required: [arg.if_field],
    }),
    fn: (e, arg, fields, _errors, options) => {
      const ifValue = getPath(e, arg.if_field);
      if (ifValue === undefined) return true;
      let list: string[] = arg.then_at_least_one_of;
      let err: string | undefined = arg.then_err;
      if (!matches(fields, arg.if_field, arg.if_match, ifValue, options)) {
        if (!arg.else_match || !matches(fields, arg.if_field, arg.else_match, ifValue, options)) return true;
        list = arg.else_then_at_least_one_of;
        err = arg.else_then_err;
      }
      if (countNonEmpty(e, list).length > 0) return true;
      const quoted = quotedList(list);
      if (err) return err.replace('%s', quoted);
      return `${options.updating ? 'when updating, ' : ''}${messages.CONDITIONAL_AT_LEAST_ONE_OF(quoted)}`;
    },
  },
  custom_entity_check: {
    runWithMissing: false, runWithInvalid: false,
    sources: (arg) => ({ fields: [...arg.field_sources], required: [...arg.field_sources] }),
    fn: (e, arg) => arg.fn(e),
  },
};

export function runEntityChecks(
  fields: FieldMap, checks: readonly EntityCheck[], input: Record<string, unknown>, errors: Errors, options: ValidateOptions,
): void {
  for (const check of checks) {
    const [name, arg] = Object.entries(check)[0] as [string, any];
    const checker = checkers[name];
    if (!checker) throw new Error(`unknown entity checker: ${name}`);
    const runWithMissing = arg.run_with_missing_fields ?? checker.runWithMissing;
    const runWithInvalid = arg.run_with_invalid_fields ?? checker.runWithInvalid;
    const { fields: names, required } = checker.sources(arg);
    const projection: Record<string, unknown> = {};
    const missing: string[] = [];
    let allNil = true;
    let allOk = true;
    for (const fname of names) {
      const value = getPath(input, fname);
      if (value === undefined) {
        if (!runWithMissing && required.includes(fname)) missing.push(fname);
      } else {
        allNil = false;
      }
      if (getPath(errors, fname) !== undefined) allOk = false;
      setPath(projection, fname, value);
    }
    if (!allOk && !runWithInvalid) continue;
    if (allNil && !runWithMissing) continue;
    if (missing.length > 0) {
      const message = `${messages.REQUIRED_FOR_ENTITY_CHECK}${options.updating ? ' when updating' : ''}`;
      for (const fname of missing) setPath(errors, fname, message);
      continue;
    }
    const result = checker.fn(projection, arg, fields, errors, options);
    applyCheckResult(errors, result);
  }
}
