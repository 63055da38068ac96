import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeArgs, MAX_ARGS } from './args.ts';
import { AdminHttpError } from './errors.ts';

const decode = (qs: string, brackets = true): Record<string, unknown> => decodeArgs(new URLSearchParams(qs), brackets);

test('dotted and bracketed keys nest, arrays come from [], [n] and repeats', () => {
  assert.deepEqual(decode('a.b=1&a[c]=2'), { a: { b: '1', c: '2' } });
  assert.deepEqual(decode('x[]=1&x[]=2'), { x: ['1', '2'] });
  assert.deepEqual(decode('x[1]=1&x[2]=2'), { x: ['1', '2'] });
  assert.deepEqual(decode('x=1&x=2&x=3'), { x: ['1', '2', '3'] });
  assert.deepEqual(decode('config.headers[]=a:b&config.minute=5'), { config: { headers: ['a:b'], minute: '5' } });
});

test('bracketed names stay literal keys when not allowed (query strings)', () => {
  assert.deepEqual(decode('a[b]=1', false), { 'a[b]': '1' });
  assert.deepEqual(decode('a.b=1', false), { a: { b: '1' } });
});

test('prototype-polluting names are refused', () => {
  for (const qs of ['__proto__.x=1', 'a[__proto__]=1', 'constructor.prototype.x=1']) {
    assert.throws(() => decode(qs), (err: unknown) => err instanceof AdminHttpError && err.status === 400, qs);
  }
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('more than 1000 arguments answer 400 Too many arguments', () => {
  const many = Array.from({ length: MAX_ARGS + 1 }, (_, i) => `k${i}=v`).join('&');
  assert.throws(() => decode(many), (err: unknown) => err instanceof AdminHttpError && err.body?.message === 'Too many arguments');
  assert.equal(Object.keys(decode(Array.from({ length: MAX_ARGS }, (_, i) => `k${i}=v`).join('&'))).length, MAX_ARGS);
});

test('absurdly deep keys are not decoded into nested objects', () => {
  const deep = 'a' + '[1]'.repeat(5000);
  const out = decode(`${deep}=x`);
  assert.deepEqual(Object.keys(out), [deep]);
});
