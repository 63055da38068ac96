import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsedUrl } from './parsed-url.ts';

test('the record matches WHATWG parsing, IPv6 brackets stripped from the address only', () => {
  const parsed = parsedUrl('http://[::1]:19390/v1/messages%3Ax?b=2&a=%20');
  assert.equal(parsed.protocol, 'http:');
  assert.equal(parsed.address, '::1');
  assert.equal(parsed.host, '[::1]:19390');
  assert.equal(parsed.port, '19390');
  assert.equal(parsed.origin, 'http://[::1]:19390');
  assert.equal(parsed.pathname, '/v1/messages%3Ax');
  assert.equal(parsed.query, 'b=2&a=%20');
  assert.deepEqual(parsed.searchParams, [['b', '2'], ['a', ' ']]);
  const defaults = parsedUrl('https://api.anthropic.com');
  assert.equal(defaults.port, '');
  assert.equal(defaults.pathname, '/');
  assert.equal(defaults.query, '');
});

test('a URL is parsed once and its record cannot be changed by a caller', () => {
  const first = parsedUrl('https://api.openai.com/v1/chat/completions');
  assert.equal(parsedUrl('https://api.openai.com/v1/chat/completions'), first);
  assert.throws(() => { (first as { pathname: string }).pathname = '/other'; }, TypeError);
  assert.throws(() => { (first.searchParams as [string, string][]).push(['a', 'b']); }, TypeError);
});

test('the cache stays bounded and still answers after it was reset', () => {
  const kept = parsedUrl('http://127.0.0.1:1/kept');
  for (let index = 0; index < 2000; index += 1) assert.equal(parsedUrl(`http://127.0.0.1:1/p${index}`).pathname, `/p${index}`);
  const again = parsedUrl('http://127.0.0.1:1/kept');
  assert.notEqual(again, kept);
  assert.deepEqual(again, kept);
});

test('an invalid URL throws as new URL does', () => {
  assert.throws(() => parsedUrl('not a url'), TypeError);
  assert.throws(() => parsedUrl('not a url'), TypeError);
});
