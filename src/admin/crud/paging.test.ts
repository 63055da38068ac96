import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KongError } from '../../core/errors.ts';
import { escapeUri, pageBody, pageOptions, parseSize, parseTags } from './paging.ts';

function kongError(code: number, message: string): (err: unknown) => boolean {
  return (err) => err instanceof KongError && err.code === code && err.message === message;
}

test('size: default, bounds and Kong messages (code 9)', () => {
  assert.equal(parseSize(null), undefined);
  assert.equal(parseSize('1000'), 1000);
  assert.throws(() => parseSize('abc'), kongError(9, 'size must be a number'));
  assert.throws(() => parseSize(''), kongError(9, 'size must be a number'));
  for (const bad of ['0', '1001', '1.5', '-3']) {
    assert.throws(() => parseSize(bad), kongError(9, 'size must be an integer between 1 and 1000'), bad);
  }
});

test('tags: AND with commas, OR with slashes, limits and syntax (code 11)', () => {
  assert.deepEqual(parseTags('a,b'), { mode: 'and', values: ['a', 'b'] });
  assert.deepEqual(parseTags('a/b'), { mode: 'or', values: ['a', 'b'] });
  assert.deepEqual(parseTags('only'), { mode: 'and', values: ['only'] });
  assert.throws(() => parseTags('a,b/c'), kongError(11, 'invalid option (tags: invalid filter syntax)'));
  assert.throws(() => parseTags('a,,b'), kongError(11, 'invalid option (tags: invalid filter syntax)'));
  assert.throws(() => parseTags('a\u0001'), kongError(11, 'invalid option (tags: invalid filter syntax)'));
  assert.throws(() => parseTags('1,2,3,4,5,6'), kongError(11, 'invalid option (tags: cannot query more than 5 tags)'));
  assert.throws(() => parseTags(''), (err: unknown) => err instanceof KongError && JSON.stringify(err.toJSON().options) === '{"tags":"cannot be null"}');
});

test('tags are ignored for entities without a tags field', () => {
  assert.deepEqual(pageOptions(new URLSearchParams('tags=a,b/c'), false), {});
  assert.deepEqual(pageOptions(new URLSearchParams('size=5&offset=tok&tags=x'), true), { size: 5, offset: 'tok', tags: { mode: 'and', values: ['x'] } });
});

test('next link carries tags and size only for top-level collections', () => {
  const page = { data: [], offset: 'WyJhIl0' };
  const query = new URLSearchParams('size=2&tags=a,b');
  assert.equal(pageBody(page, [], '/services', query).next, '/services?offset=WyJhIl0&tags=a%2Cb&size=2');
  assert.equal(pageBody(page, [], '/services/s/routes', null).next, '/services/s/routes?offset=WyJhIl0');
  assert.deepEqual(pageBody({ data: [] }, [], '/services', query), { data: [], next: null });
  assert.equal(escapeUri("a b!'()*/"), '%20b%21%27%28%29%2A%2F'.replace(/^/, 'a'));
});
