import { it } from 'node:test';
import assert from 'node:assert/strict';
import { applyInstructions } from './instructions.ts';

it('merges instructed headers over the upstream ones and uses status and body', () => {
  const result = applyInstructions('{"status":209,"headers":{"Content-Type":"application/xml"},"body":"<persons/>"}', { 'content-type': 'text/plain', 'x-a': '1' });
  assert.deepEqual(result, { ok: true, status: 209, headers: { 'content-type': 'application/xml', 'x-a': '1' }, body: '<persons/>' });
});

it('defaults the status to 200 and sends the whole object when there is no body', () => {
  const result = applyInstructions('{"persons":[1]}', {});
  assert.deepEqual(result, { ok: true, status: 200, headers: {}, body: '{"persons":[1]}' });
});

it('fails on text that is not JSON', () => {
  const result = applyInstructions('Sure! {"status":209}', {});
  assert.equal(result.ok, false);
  assert.match((result as { message: string }).message, /^failed to parse JSON response instructions from AI backend: /);
});
