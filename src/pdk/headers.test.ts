import test from 'node:test';
import assert from 'node:assert/strict';
import { ResponseHeaders, withoutOverlay } from './headers.ts';

test('deferred headers load on first read or change, and replaceAll discards them', () => {
  const headers = new ResponseHeaders();
  const wire: Record<string, string | number> = { 'content-type': 'text/plain', 'content-length': 4 };
  headers.defer(wire);
  assert.equal(headers.get('Content-Type'), 'text/plain');
  assert.equal(headers.get('content-length'), '4', 'numbers become strings as with replaceAll');
  headers.set('X-New', 'v');
  assert.deepEqual(headers.toWire(), { 'content-type': 'text/plain', 'content-length': '4', 'X-New': 'v' });
  assert.equal('X-New' in wire, false, 'the deferred object itself is not written to');
  headers.defer({ a: '1' });
  headers.replaceAll({ b: '2' });
  assert.deepEqual(headers.toObject(), { b: '2' });
  headers.defer({ c: '3' });
  assert.equal(headers.size, 1);
  assert.equal(headers.has('C'), true);
});

test('overlay writes plugin headers over upstream ones and withoutOverlay undoes it exactly', () => {
  const headers = new ResponseHeaders();
  headers.set('X-Rate', '5');
  headers.set('server', 'plugin');
  headers.set('Via', 'plugin-via');
  headers.add('X-Multi', 'a');
  headers.add('x-multi', 'b');
  const upstream: Record<string, string | string[] | number | undefined> = { server: 'nginx', via: '1.1 up', 'content-length': 3 };
  const before = { ...upstream };
  const undo = headers.overlay(upstream);
  assert.deepEqual(upstream, { 'content-length': 3, 'X-Rate': '5', server: 'plugin', Via: 'plugin-via', 'X-Multi': ['a', 'b'] });
  assert.deepEqual(withoutOverlay(upstream, undo), before);
  assert.deepEqual(withoutOverlay({}, []), {});
});
