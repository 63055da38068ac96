import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyCustomFields, luaConstant, renderTemplate, setSerializeValue } from './log-fields.ts';

test('constant Lua returns are decoded; anything else is refused', () => {
  assert.deepEqual(luaConstant('return nil'), { value: undefined });
  assert.deepEqual(luaConstant("return 'it\\'s'"), { value: "it's" });
  assert.deepEqual(luaConstant('return -1.5'), { value: -1.5 });
  assert.ok('error' in luaConstant('return kong.request.get_header("x")'));
  assert.ok('error' in luaConstant('os.exit()'));
});

test('dotted keys nest, escaped dots stay, undefined deletes', () => {
  const entry: Record<string, unknown> = { request: { headers: { a: '1' } } };
  setSerializeValue(entry, 'request.headers.x\\.y', 'v');
  setSerializeValue(entry, 'request.headers.a', undefined);
  setSerializeValue(entry, 'new.deep.key', 3);
  assert.deepEqual(entry, { request: { headers: { 'x.y': 'v' } }, new: { deep: { key: 3 } } });
});

test('templates read the entry as it was; a lone reference keeps its type', () => {
  const entry: Record<string, unknown> = { response: { status: 404 }, request: { uri: '/x' } };
  assert.equal(renderTemplate('$(response.status)', entry), 404);
  assert.equal(renderTemplate('$(request.uri) -> $(response.status)$(missing.path)', entry), '/x -> 404');
  applyCustomFields(entry, { custom_fields: { 'response.status': 'changed', copy: '$(response.status)' } });
  assert.equal(entry.copy, 404);
  assert.equal((entry.response as { status: unknown }).status, 'changed');
});
