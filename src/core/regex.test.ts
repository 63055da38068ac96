import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSafeRegex, RegexSyntaxError, translatePcreSyntax, validateSafeRegex } from './regex.ts';

test('exec returns whole match, end, positional and named captures', () => {
  const re = compileSafeRegex('/users/(?<id>\\d+)/(\\w+)');
  const m = re.exec('/users/42/posts/x', true);
  assert.ok(m);
  assert.equal(m.match, '/users/42/posts');
  assert.equal(m.end, 15);
  assert.deepEqual(m.groups, ['42', 'posts']);
  assert.deepEqual({ ...m.named }, { id: '42' });
  assert.equal(re.groupCount, 2);
});

test('anchoredAtStart requires the match to begin at index 0', () => {
  const re = compileSafeRegex('/foo');
  assert.equal(re.exec('/x/foo', true), null);
  const m = re.exec('/x/foo', false);
  assert.ok(m);
  assert.equal(m.end, 6);
  assert.equal(re.testAnchored('/x/foo'), false);
  assert.equal(re.testAnchored('/foo/x'), true);
  assert.equal(re.test('/x/foo'), true);
});

test('a group that did not participate is an empty positional and an absent named capture', () => {
  const re = compileSafeRegex('/a(?<opt>x)?(y)?');
  const m = re.exec('/a', true);
  assert.ok(m);
  assert.deepEqual(m.groups, ['', '']);
  assert.equal(Object.hasOwn(m.named, 'opt'), false);
});

test('caseInsensitive option', () => {
  assert.equal(compileSafeRegex('^abc$').test('ABC'), false);
  assert.equal(compileSafeRegex('^abc$', { caseInsensitive: true }).test('ABC'), true);
});

test('PCRE named groups are converted, P-form kept, classes untouched', () => {
  assert.equal(translatePcreSyntax('(?<name>x)'), '(?P<name>x)');
  assert.equal(translatePcreSyntax('(?P<name>x)'), '(?P<name>x)');
  assert.equal(translatePcreSyntax('[(?<]x\\(?<y'), '[(?<]x\\(?<y');
  assert.equal(translatePcreSyntax('[]a](?<n>b)'), '[]a](?P<n>b)');
});

test('unsupported constructs give clear errors', () => {
  const cases: Array<[string, RegExp]> = [
    ['(a)\\1', /back-references are not supported/],
    ['(?<n>a)\\k<n>', /back-references are not supported/],
    ['foo(?=bar)', /look-ahead/],
    ['foo(?!bar)', /look-ahead/],
    ['(?<=a)b', /look-behind/],
    ['(?<!a)b', /look-behind/],
    ['(?>a+)', /atomic groups/],
    ['(?R)', /recursive/],
    ['[', /missing closing \]/],
    ['a{1001}', /invalid repeat count/],
  ];
  for (const [pattern, message] of cases) {
    assert.throws(() => compileSafeRegex(pattern), (error: unknown) => {
      assert.ok(error instanceof RegexSyntaxError, pattern);
      assert.match(error.message, message, pattern);
      assert.equal(error.pattern, pattern);
      return true;
    });
  }
});

test('escaped or bracketed look-alikes are accepted', () => {
  assert.equal(validateSafeRegex('\\(?=x\\)'), null);
  // Inside a class `\1` is not a back-reference; RE2 reports its own escape error.
  assert.doesNotMatch(validateSafeRegex('[\\1]') ?? '', /back-references/);
  assert.equal(compileSafeRegex('[(?=]+').test('(?='), true);
  assert.match(validateSafeRegex('(?=x)') ?? '', /look-ahead/);
});

test('compiled patterns are cached per pattern and flags', () => {
  assert.equal(compileSafeRegex('/cache/\\d+'), compileSafeRegex('/cache/\\d+'));
  assert.notEqual(compileSafeRegex('/cache/\\d+'), compileSafeRegex('/cache/\\d+', { caseInsensitive: true }));
});

test('ReDoS pattern (a+)+$ on 50k characters completes in linear time', () => {
  const re = compileSafeRegex('^(a+)+$');
  const hostile = 'a'.repeat(50_000) + '!';
  const started = process.hrtime.bigint();
  assert.equal(re.test(hostile), false);
  assert.equal(re.exec(hostile, true), null);
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  // A backtracking engine needs astronomically long here; linear time is well under seconds.
  assert.ok(elapsedMs < 5000, `took ${elapsedMs} ms`);
  assert.equal(re.test('a'.repeat(50_000)), true);
});
