// Validation of one level of fields (an entity or a nested record), as Schema:validate in
// kong/db/schema/init.lua: unknown keys, each present field, required fields, then the
// entity checks.
import { runEntityChecks } from './entity-checks.ts';
import { messages } from './messages.ts';
import type { EntityCheck, FieldMap, ValidateOptions } from './types.ts';
import { validateField } from './validate-field.ts';

/** Returns the error table, or undefined when the input is valid. */
export function validateFields(
  fields: FieldMap, checks: readonly EntityCheck[], input: Record<string, unknown>, options: ValidateOptions,
): Record<string, unknown> | undefined {
  const errors: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (!field) {
      errors[key] = messages.UNKNOWN;
      continue;
    }
    const err = validateField(field, value, options);
    if (err !== undefined) errors[key] = err;
  }
  for (const [name, field] of Object.entries(fields)) {
    if (field.required && (input[name] === null || input[name] === undefined)) errors[name] = messages.REQUIRED;
  }
  runEntityChecks(fields, checks, input, errors, options);
  return Object.keys(errors).length > 0 ? errors : undefined;
}
