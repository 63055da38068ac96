import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NdjsonSplitter, parseJsonFrame } from './ndjson.ts';
import { FrameTooLargeError } from './line-splitter.ts';

test('splits NDJSON across arbitrary chunk boundaries, skipping blank lines and CRLF', () => {
  const input = '{"a":1}\r\n\r\n{"b":"x\\ny"}\n{"c":3}';
  for (let size = 1; size <= input.length; size++) {
    const splitter = new NdjsonSplitter();
    const lines: string[] = [];
    for (let offset = 0; offset < input.length; offset += size) lines.push(...splitter.push(input.slice(offset, offset + size)));
    lines.push(...splitter.end());
    assert.deepEqual(lines.map(parseJsonFrame), [{ a: 1 }, { b: 'x\ny' }, { c: 3 }], `size ${size}`);
  }
});

test('parseJsonFrame returns undefined for non-JSON frames', () => {
  assert.equal(parseJsonFrame('[DONE'), undefined);
  assert.deepEqual(parseJsonFrame('[1]'), [1]);
});

test('a line longer than the cap throws', () => {
  const splitter = new NdjsonSplitter(32);
  assert.throws(() => splitter.push('{"x":"' + 'y'.repeat(64)), FrameTooLargeError);
});
