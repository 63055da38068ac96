import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterBody, shouldBufferBody } from './body-limit.ts';

const withLength = (length?: string): IncomingMessage => ({ headers: length === undefined ? {} : { 'content-length': length } }) as IncomingMessage;

function response() {
  const res = { destroyed: false, destroy(): void { this.destroyed = true; } };
  return { res, asResponse: res as unknown as ServerResponse };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('request buffering', () => {
  it('buffers Content-Length bodies from 1 byte up to the buffer size, only where the route asks', () => {
    assert.equal(shouldBufferBody(withLength('10'), true, 8192), true);
    assert.equal(shouldBufferBody(withLength('8192'), true, 8192), true);
    assert.equal(shouldBufferBody(withLength('8193'), true, 8192), false);
    assert.equal(shouldBufferBody(withLength('0'), true, 8192), false);
    assert.equal(shouldBufferBody(withLength(), true, 8192), false, 'chunked or no body');
    assert.equal(shouldBufferBody(withLength('10'), false, 8192), false);
  });

  it('starts with the whole body', async () => {
    const { asResponse } = response();
    let got: Buffer | null = null;
    afterBody(asResponse, Promise.resolve(Buffer.from('abc')), (body) => { got = body; }, () => assert.fail('no failure'));
    await settle();
    assert.equal(String(got), 'abc');
  });

  it('hands a failure of the start to `fail` instead of rejecting unhandled', async () => {
    const { res, asResponse } = response();
    const failures: unknown[] = [];
    let unhandled = 0;
    const onUnhandled = (): void => { unhandled += 1; };
    process.on('unhandledRejection', onUnhandled);
    try {
      afterBody(asResponse, Promise.resolve(Buffer.from('x')), () => { throw new Error('boom'); }, (error) => failures.push(error));
      await settle();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    assert.equal((failures[0] as Error).message, 'boom');
    assert.equal(unhandled, 0);
    assert.equal(res.destroyed, false);
  });

  it('closes the response when the body never completes', async () => {
    const { res, asResponse } = response();
    afterBody(asResponse, Promise.reject(new Error('client gone')), () => assert.fail('no start'), () => assert.fail('no failure'));
    await settle();
    assert.equal(res.destroyed, true);
  });
});
