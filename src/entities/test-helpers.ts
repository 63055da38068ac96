// Shared by the entity tests: run a definition's validate() and return Kong's error body.
import assert from 'node:assert/strict';
import { KongError } from '../core/errors.ts';
import type { EntityDefinition } from './definition.ts';

export function errorBody(
  definition: EntityDefinition, input: unknown, mode: 'insert' | 'upsert' | 'update' = 'insert',
  existing?: Record<string, unknown> & { id: string },
): { code: number; name: string; message: string; fields: Record<string, unknown> } {
  try {
    definition.validate(input, mode, existing);
  } catch (err) {
    assert.ok(err instanceof KongError, `expected a KongError, got ${String(err)}`);
    return err.toJSON() as { code: number; name: string; message: string; fields: Record<string, unknown> };
  }
  assert.fail(`expected a schema violation for ${JSON.stringify(input)}`);
}
