import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePathTemplate, matchPathTemplate } from './path-template.ts';

test('single-segment variables match one segment only', () => {
  const template = compilePathTemplate('/v1/messages/{name}');
  assert.deepEqual(Object.fromEntries(matchPathTemplate(template, '/v1/messages/kong%20x')!), { name: 'kong x' });
  assert.equal(matchPathTemplate(template, '/v1/messages/a/b'), null);
  assert.equal(matchPathTemplate(template, '/v1/messages/'), null);
  assert.equal(matchPathTemplate(template, '/v2/messages/a'), null);
});

test('** captures the rest; sub-templates and dotted fields are kept', () => {
  const rest = compilePathTemplate('/v1/files/{path=**}');
  assert.equal(matchPathTemplate(rest, '/v1/files/a/b/c')!.get('path'), 'a/b/c');
  const nested = compilePathTemplate('/v1/{book.name=shelves/*/books/*}:read');
  assert.deepEqual(nested.fields, ['book.name']);
  assert.equal(matchPathTemplate(nested, '/v1/shelves/1/books/2:read')!.get('book.name'), 'shelves/1/books/2');
  assert.equal(matchPathTemplate(nested, '/v1/shelves/1/books/2'), null);
});

test('an unterminated variable is refused', () => {
  assert.throws(() => compilePathTemplate('/v1/{name'), /invalid path template/);
});
