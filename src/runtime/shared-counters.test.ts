import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessCounters } from '../pdk/index.ts';
import { serveSharedCounters } from './shared-counters.ts';

const MODULE = new URL('./shared-counters.ts', import.meta.url).pathname;

// A stand-in worker: takes `tries` units of one counter through IPC, reports how many it got.
const WORKER = `
import { IpcSharedCounters } from ${JSON.stringify(MODULE)};
const counters = new IpcSharedCounters();
const tries = Number(process.argv[2]);
const results = await Promise.all(Array.from({ length: tries }, () => counters.acquire([{ key: 'k', limit: 25, ttlSeconds: 60 }])));
const bumped = await counters.increment('other', 3, 60);
process.send({ type: 'done', admitted: results.filter((r) => r.admitted).length, bumped, values: await counters.get(['k', 'missing']) });
process.disconnect();
`;

test('workers share one set of counters owned by the primary: the limit holds across processes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-counters-'));
  const script = join(dir, 'worker.mjs');
  writeFileSync(script, WORKER);
  const counters = new InProcessCounters();
  try {
    const outcomes = await Promise.all([0, 1, 2].map(() => new Promise<{ admitted: number; bumped: number; values: number[] }>((resolve, reject) => {
      const child = fork(script, ['20'], { execArgv: [], serialization: 'advanced' });
      serveSharedCounters(child, counters);
      child.on('message', (message: { type?: string }) => { if (message.type === 'done') resolve(message as never); });
      child.on('error', reject);
      child.on('exit', (code) => { if (code !== 0) reject(new Error(`worker exited ${code}`)); });
    })));
    assert.equal(outcomes.reduce((sum, outcome) => sum + outcome.admitted, 0), 25, 'exactly the limit across three workers');
    assert.deepEqual(outcomes.map((outcome) => outcome.bumped).sort(), [3, 6, 9]);
    assert.equal(counters.getNow(['k'])[0], 25);
    for (const outcome of outcomes) assert.equal(outcome.values[1], 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker without an IPC channel cannot use IpcSharedCounters', async () => {
  const { IpcSharedCounters } = await import('./shared-counters.ts');
  const fake = { send: undefined, on() {} } as unknown as NodeJS.Process;
  assert.throws(() => new IpcSharedCounters(fake), /needs an IPC channel/);
});
