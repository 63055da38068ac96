import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { HeldWrites, HOLD_BELOW_BYTES, type WriteSource } from './write-batch.ts';

/** A stand-in for node:http's response: records writes; `full` makes write() report backpressure. */
function recorder(full = false) {
  const log: string[] = [];
  const res = {
    writableEnded: false,
    destroyed: false,
    write(chunk: Buffer): boolean { log.push(`write ${chunk.toString()}`); return !full; },
    end(chunk?: Buffer): void { log.push(chunk === undefined ? 'end' : `end ${chunk.toString()}`); this.writableEnded = true; },
    drainListeners: [] as Array<() => void>,
    once(event: string, listener: () => void): void { if (event === 'drain') this.drainListeners.push(listener); },
  };
  return { res, log, asResponse: res as unknown as ServerResponse };
}

/** A source that reports its pauses and resumes. */
function source(pause: () => void = () => undefined, resume: () => void = () => undefined): WriteSource {
  return { pauseSource: pause, resumeSource: resume };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('HeldWrites', () => {
  it('holds a chunk and the end until the loop turn is over, then ends with the chunk', async () => {
    const { log, asResponse } = recorder();
    const held = new HeldWrites(asResponse, source(() => assert.fail('no backpressure')));
    held.write(Buffer.from('a'));
    held.end();
    assert.deepEqual(log, []);
    await nextTurn();
    assert.deepEqual(log, ['end a']);
  });

  it('writes an earlier chunk as soon as a later one arrives, keeping the order', async () => {
    const { log, asResponse } = recorder();
    const held = new HeldWrites(asResponse, source());
    held.write(Buffer.from('1'));
    held.write(Buffer.from('2'));
    assert.deepEqual(log, ['write 1']);
    held.end(Buffer.from('3'));
    assert.deepEqual(log, ['write 1', 'write 2']);
    await nextTurn();
    assert.deepEqual(log, ['write 1', 'write 2', 'end 3']);
  });

  it('sends a streamed chunk after one turn without waiting for the end', async () => {
    const { log, asResponse } = recorder();
    const held = new HeldWrites(asResponse, source());
    held.write(Buffer.from('event'));
    await nextTurn();
    assert.deepEqual(log, ['write event']);
    held.end();
    await nextTurn();
    assert.deepEqual(log, ['write event', 'end']);
  });

  it('batches the writes of many responses into one turn', async () => {
    const responses = [recorder(), recorder(), recorder()];
    for (const [index, { asResponse }] of responses.entries()) new HeldWrites(asResponse, source()).end(Buffer.from(String(index)));
    assert.ok(responses.every(({ log }) => log.length === 0));
    await nextTurn();
    assert.deepEqual(responses.map(({ log }) => log), [['end 0'], ['end 1'], ['end 2']]);
  });

  it('writes large chunks at once, after anything it held', async () => {
    const { log, asResponse } = recorder();
    const held = new HeldWrites(asResponse, source());
    held.write(Buffer.from('small'));
    held.write(Buffer.alloc(HOLD_BELOW_BYTES, 'L'));
    assert.deepEqual(log.map((line) => line.slice(0, 8)), ['write sm', 'write LL']);
    held.end(Buffer.alloc(HOLD_BELOW_BYTES, 'E'));
    assert.deepEqual(log.map((line) => line.slice(0, 8)), ['write sm', 'write LL', 'end EEEE']);
    await nextTurn();
    assert.equal(log.length, 3);
  });

  it('reports backpressure from a flushed write', async () => {
    const { asResponse } = recorder(true);
    let full = 0;
    const held = new HeldWrites(asResponse, source(() => { full += 1; }));
    held.write(Buffer.from('x'));
    await nextTurn();
    assert.equal(full, 1);
  });

  it('pauses once for writes refused before the client drains, and resumes once on the drain', async () => {
    const { res, asResponse } = recorder(true);
    let paused = 0;
    let resumed = 0;
    const held = new HeldWrites(asResponse, source(() => { paused += 1; }, () => { resumed += 1; }));
    held.write(Buffer.alloc(HOLD_BELOW_BYTES, 'a'));
    held.write(Buffer.alloc(HOLD_BELOW_BYTES, 'b'));
    assert.equal(paused, 1);
    assert.equal(held.awaitingDrain, true);
    assert.equal(res.drainListeners.length, 1);
    res.drainListeners[0]!();
    assert.equal(resumed, 1);
    assert.equal(held.awaitingDrain, false);
    held.write(Buffer.alloc(HOLD_BELOW_BYTES, 'c'));
    assert.equal(paused, 2, 'a refusal after the drain pauses again');
  });

  it('drops what it holds for a response that was destroyed meanwhile', async () => {
    const { res, log, asResponse } = recorder();
    const held = new HeldWrites(asResponse, source());
    held.end(Buffer.from('late'));
    res.destroyed = true;
    await nextTurn();
    assert.deepEqual(log, []);
  });
});
