// defineSchema: freezes a declaration and brands it as a Schema. `const` type parameters keep
// literal types so Infer<> can read `required`, `default` and `one_of`.
import type { FieldMap, Schema, SchemaDef } from './types.ts';

export function defineSchema<const F extends FieldMap>(definition: SchemaDef<F>): Schema<F> {
  return Object.freeze({ ...definition, __schema: true as const });
}

/** Copy a field definition with overrides — Kong's `typedefs.x { … }` call form. */
export function withAttributes<const D extends object, const O extends object>(base: D, overrides: O): Omit<D, keyof O> & O {
  return { ...base, ...overrides };
}
