import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeUpstreamPath, normalizePath, splitRequestTarget } from './normalize.ts';

test('splitRequestTarget keeps the raw query verbatim, including a bare ?', () => {
  assert.deepEqual(splitRequestTarget('/a/b?x=1&y=%20'), { path: '/a/b', query: 'x=1&y=%20' });
  assert.deepEqual(splitRequestTarget('/a?'), { path: '/a', query: '' });
  assert.deepEqual(splitRequestTarget('/a'), { path: '/a', query: null });
  assert.deepEqual(splitRequestTarget('/a?b?c'), { path: '/a', query: 'b?c' });
});

const normalizeCases: Array<[string, string | null]> = [
  ['/', '/'],
  ['/plain/path', '/plain/path'],
  ['/%41bc', '/Abc'],
  ['/%61dmin', '/admin'],
  ['/a%2fb', '/a%2Fb'],
  ['/a%2Fb', '/a%2Fb'],
  ['/admin%2f', '/admin%2F'],
  ['/%3a%40%21%2a%27%28%29%3b%26%3d%2b%24%2c%3f%25%23%5b%5d', '/%3A%40%21%2A%27%28%29%3B%26%3D%2B%24%2C%3F%25%23%5B%5D'],
  ['/a%20b', '/a b'],
  ['/endel%C3%B8st', '/endeløst'],
  ['/%c3%a4', '/ä'],
  // Raw bytes >= 0x80 arrive from Node as latin1 chars, one per byte.
  ['/endel\u00c3\u00b8st', '/endeløst'],
  ['/mixed\u00c3%B8', '/mixedø'],
  ['/raw\u00ff', '/raw%FF'],
  ['/%ff%fe', '/%FF%FE'],
  ['/a/../b', '/b'],
  ['/a/./b', '/a/b'],
  ['//x', '/x'],
  ['/a//b///c', '/a/b/c'],
  ['/public/../admin', '/admin'],
  ['/public/%2e%2e/admin', '/admin'],
  ['/public/%2E%2E/admin', '/admin'],
  ['/public/.%2e/admin', '/admin'],
  // Only the %25 is an escape; the literal "2e" after it is plain text (decode exactly once).
  ['/public/%252e%252e/admin', '/public/%252e%252e/admin'],
  ['/public%2f..%2fadmin', '/public%2F..%2Fadmin'],
  ['/./admin', '/admin'],
  ['/admin/.', '/admin/'],
  ['/a/b/..', '/a/'],
  ['/..', '/'],
  ['/../../x', '/x'],
  ['/a/', '/a/'],
  ['/a..b/c.d', '/a..b/c.d'],
  ['/admin;x=1', '/admin;x=1'],
  // Kong's unit vector; invalid UTF-8 (`%99%af`) stays encoded in our string form.
  ['/%C3%A4/a/%2e./a%2E//a/%2e/./a/../a/%2e%2E/%5f%99%af%2f%2F', '/ä/a./a/_%99%AF%2F%2F'],
  // Malformed or hostile input: the proxy answers 400.
  ['', null],
  ['a/b', null],
  ['*', null],
  ['/%', null],
  ['/%1', null],
  ['/%zz', null],
  ['/a%g0', null],
  ['/admin%00.json', null],
  ['/a#b', null],
  ['/public\\..\\admin', null],
  ['/admin\\', null],
  ['/a%5cb', null],
  ['/a\u0001b', null],
  ['/a\u007fb', null],
  ['/public/..;/admin', null],
  ['/public/.;/admin', null],
  ['/public/..%3b/admin', null],
];

for (const [input, expected] of normalizeCases) {
  test(`normalizePath(${JSON.stringify(input)}) → ${JSON.stringify(expected)}`, () => {
    assert.equal(normalizePath(input), expected);
  });
}

test('normalisation decodes exactly once (idempotent on its own output for %25)', () => {
  const once = normalizePath('/x%2541');
  assert.equal(once, '/x%2541');
  assert.equal(normalizePath(once as string), '/x%2541');
});

test('escapeUpstreamPath re-escapes bytes outside Kong\'s safe set as UTF-8', () => {
  assert.equal(escapeUpstreamPath('/a b'), '/a%20b');
  assert.equal(escapeUpstreamPath('/endeløst'), '/endel%C3%B8st');
  assert.equal(escapeUpstreamPath('/ä/a./a/_%99%AF%2F%2F'), '/%C3%A4/a./a/_%99%AF%2F%2F');
  assert.equal(escapeUpstreamPath("/keep-_.~!#$&'()*+,/:;=?@[]%"), "/keep-_.~!#$&'()*+,/:;=?@[]%");
  assert.equal(escapeUpstreamPath('/q"<>^`{|}'), '/q%22%3C%3E%5E%60%7B%7C%7D');
  assert.equal(escapeUpstreamPath('/x\n'), '/x%0A');
});

test('normalised then escaped path round-trips to the same upstream bytes', () => {
  for (const raw of ['/endel%C3%B8st', '/a%20b', '/public/%252e%252e/admin', '/%99%af']) {
    const normalized = normalizePath(raw);
    assert.ok(normalized !== null);
    assert.equal(escapeUpstreamPath(normalized).toUpperCase(), raw.toUpperCase());
  }
});
