// Kong's `validation_errors` table (kong/db/schema/init.lua), verbatim, with the printf-style
// placeholders turned into small formatter functions.

export const messages = {
  ARRAY: 'expected an array',
  SET: 'expected a set',
  MAP: 'expected a map',
  RECORD: 'expected a record',
  STRING: 'expected a string',
  NUMBER: 'expected a number',
  BOOLEAN: 'expected a boolean',
  INTEGER: 'expected an integer',
  TIMESTAMP: 'expected a valid timestamp',
  UUID: 'expected a valid UUID',
  BAD_INPUT: 'expected an input table',
  REQUIRED: 'required field missing',
  NO_FOREIGN_DEFAULT: 'will not generate a default value for a foreign field',
  UNKNOWN: 'unknown field',
  MISSING_PK: 'missing primary key',
  REQUIRED_FOR_ENTITY_CHECK: 'field required for entity check',
  CHECK: 'entity check failed',
  IMMUTABLE: 'immutable field cannot be updated',
  EQ: (v: string) => `value must be ${v}`,
  NE: (v: string) => `value must not be ${v}`,
  GT: (v: string) => `value must be greater than ${v}`,
  BETWEEN: (a: number, b: number) => `value should be between ${a} and ${b}`,
  LEN_EQ: (n: number) => `length must be ${n}`,
  LEN_MIN: (n: number) => `length must be at least ${n}`,
  LEN_MAX: (n: number) => `length must be at most ${n}`,
  MATCH: (v: string) => `invalid value: ${v}`,
  STARTS_WITH: (v: string) => `should start with: ${v}`,
  CONTAINS: (v: string) => `expected to contain: ${v}`,
  ONE_OF: (list: string) => `expected one of: ${list}`,
  NOT_ONE_OF: (list: string) => `must not be one of: ${list}`,
  VALIDATION: (v: string) => `failed validating: ${v}`,
  CONDITIONAL: (field: string) => `failed conditional validation given value of field '${field}'`,
  AT_LEAST_ONE_OF: (list: string) => `at least one of these fields must be non-empty: ${list}`,
  CONDITIONAL_AT_LEAST_ONE_OF: (list: string) => `at least one of these fields must be non-empty: ${list}`,
  ONLY_ONE_OF: (list: string) => `exactly one of these fields must be non-empty: ${list}`,
  DISTINCT: (list: string) => `values of these fields must be distinct: ${list}`,
  MUTUALLY_REQUIRED: (list: string) => `all or none of these fields must be set: ${list}`,
  MUTUALLY_EXCLUSIVE: (list: string) => `only one or none of these fields must be set: ${list}`,
  MUTUALLY_EXCLUSIVE_SETS: (list: string) => `these sets are mutually exclusive: ${list}`,
  ENTITY_CHECK: (name: string, arg: string) => `failed entity check: ${name}(${arg})`,
} as const;

/** `'a', 'b', 'c'` — Kong's quoted_list used by entity-check messages. */
export function quotedList(words: ReadonlyArray<string | readonly string[]>): string {
  return words.map((w) => (typeof w === 'string' ? `'${w}'` : `(${quotedList(w)})`)).join(', ');
}
