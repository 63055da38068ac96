import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGrpcTimeout } from './grpc-timeout.ts';

test('grpc-timeout units convert to milliseconds', () => {
  assert.equal(parseGrpcTimeout('2H'), 7_200_000);
  assert.equal(parseGrpcTimeout('3M'), 180_000);
  assert.equal(parseGrpcTimeout('5S'), 5000);
  assert.equal(parseGrpcTimeout('250m'), 250);
  assert.equal(parseGrpcTimeout('1500u'), 2);
  assert.equal(parseGrpcTimeout('1n'), 1);
  assert.equal(parseGrpcTimeout('0m'), 0);
});

test('malformed grpc-timeout values are ignored', () => {
  assert.equal(parseGrpcTimeout(undefined), null);
  assert.equal(parseGrpcTimeout('123456789S'), null);
  assert.equal(parseGrpcTimeout('10'), null);
  assert.equal(parseGrpcTimeout('10s'), null);
  assert.equal(parseGrpcTimeout('-1S'), null);
  assert.equal(parseGrpcTimeout(['1S']), null);
});
