import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Infer } from '../schema/index.ts';
import { consumerSchema } from './consumers.ts';
import { serviceSchema } from './services.ts';
import { targetSchema } from './targets.ts';
import type { Consumer, Service, Target } from './types.ts';
import { entityDefinitions } from './index.ts';

// Compile-time: the schema-inferred shapes are the contract types of entities/types.ts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const serviceMatches: Same<Omit<Infer<typeof serviceSchema>, never>, Service> = true;
const consumerMatches: Same<Infer<typeof consumerSchema>, Consumer> = true;
const targetAssignable: Infer<typeof targetSchema> extends Target ? true : false = true;

test('inferred entity types line up with the shared contracts', () => {
  assert.deepEqual([serviceMatches, consumerMatches, targetAssignable], [true, true, true]);
  const row = entityDefinitions.services.validate({ host: 'a.test' }, 'insert') as unknown as Service;
  assert.equal(row.port, 80);
});
