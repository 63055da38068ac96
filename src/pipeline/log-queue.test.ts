import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogQueue } from './log-queue.ts';

test('entries are batched up to max_batch_size and a partial batch waits max_coalescing_delay', async () => {
  const batches: number[][] = [];
  // A coalescing delay far longer than a busy machine's scheduling jitter: the partial batch
  // must not go out with the full one, and must go out once the delay passed.
  const queue = new LogQueue<number>({ name: 't', max_batch_size: 3, max_coalescing_delay: 0.3, handler: (batch) => { batches.push(batch); } });
  const started = Date.now();
  for (let i = 1; i <= 4; i++) queue.enqueue(i);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches, [[1, 2, 3]]);
  while (batches.length < 2 && Date.now() - started < 3000) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(batches, [[1, 2, 3], [4]]);
  assert.ok(Date.now() - started >= 290, 'the partial batch waited for max_coalescing_delay');
});

test('a full queue drops the oldest entries and counts them; enqueue never blocks', async () => {
  let release!: () => void;
  const sent: number[][] = [];
  const queue = new LogQueue<number>({
    name: 't', max_batch_size: 1, max_entries: 2,
    handler: (batch) => { sent.push(batch); return new Promise<void>((resolve) => { release = resolve; }); },
  });
  for (let i = 1; i <= 5; i++) queue.enqueue(i);
  // 1 is being sent; 2..5 compete for two places → 2 and 3 dropped.
  assert.equal(queue.dropped, 2);
  assert.equal(queue.size, 2);
  const flushed = queue.flush();
  for (let round = 0; round < 3; round++) {
    release();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await flushed;
  assert.deepEqual(sent, [[1], [4], [5]]);
});

test('failed sends are retried with backoff, then dropped after max_retry_time', async () => {
  const attempts: number[] = [];
  let failuresLeft = 2;
  const retried = new LogQueue<string>({
    // Delays large enough that timer jitter on a busy machine cannot reorder them.
    name: 'retry', max_batch_size: 1, initial_retry_delay: 0.05, max_retry_delay: 1,
    handler: () => { attempts.push(Date.now()); if (failuresLeft-- > 0) throw new Error('down'); },
  });
  retried.enqueue('x');
  await retried.flush();
  assert.equal(attempts.length, 3);
  assert.equal(retried.failures, 2);
  assert.equal(retried.dropped, 0);
  const [first, second] = [attempts[1]! - attempts[0]!, attempts[2]! - attempts[1]!];
  assert.ok(first >= 45, `first retry waited the initial delay (${first} ms)`);
  assert.ok(second >= 95, `backoff grows: the second retry waited about twice as long (${second} ms)`);

  const lost = new LogQueue<string>({
    name: 'lost', max_batch_size: 2, initial_retry_delay: 0.005, max_retry_time: 0.03,
    handler: () => Promise.reject(new Error('still down')),
  });
  lost.enqueue('a');
  lost.enqueue('b');
  await lost.flush();
  assert.equal(lost.dropped, 2);
  assert.ok(lost.failures >= 2);
});

test('close flushes what is waiting and refuses later entries', async () => {
  const sent: string[] = [];
  const queue = new LogQueue<string>({ name: 'c', max_batch_size: 10, max_coalescing_delay: 60, handler: (batch) => { sent.push(...batch); } });
  queue.enqueue('a');
  await queue.close();
  queue.enqueue('b');
  assert.deepEqual(sent, ['a']);
  assert.equal(queue.dropped, 1);
});
