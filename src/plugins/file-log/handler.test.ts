import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

registerPluginSchema(plugin.name, plugin.schema);
const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'file-log', config }, 'insert').config as Record<string, unknown>;

async function waitForLines(path: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    let lines: string[] = [];
    try { lines = readFileSync(path, 'utf8').split('\n').filter((line) => line !== ''); } catch { /* not yet created */ }
    if (lines.length >= count) return lines;
    if (Date.now() > deadline) throw new Error(`expected ${count} lines in ${path}, got ${lines.length}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function harnessFor(config: Record<string, unknown>) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('file-log', validate(config))] });
  return (path: string) => harness.request({ route, service, path }, { status: 200, body: 'ok' });
}

test('appends one JSON line per request, in order, with mode 0644 and custom fields', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'file-log-'));
  const path = join(dir, 'access.log');
  try {
    const send = await harnessFor({ path, custom_fields: { tag: 'from $(request.uri)' } });
    for (let i = 0; i < 5; i++) await send(`/n${i}`);
    const lines = await waitForLines(path, 5);
    assert.deepEqual(lines.map((line) => JSON.parse(line).request.uri), ['/n0', '/n1', '/n2', '/n3', '/n4']);
    assert.equal(JSON.parse(lines[0]!).tag, 'from /n0');
    assert.equal(statSync(path).mode & 0o777, 0o644);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reopen: true follows a rotated file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'file-log-'));
  const path = join(dir, 'access.log');
  try {
    const send = await harnessFor({ path, reopen: true });
    await send('/before');
    await waitForLines(path, 1);
    renameSync(path, join(dir, 'access.log.1'));
    await send('/after');
    const lines = await waitForLines(path, 1);
    assert.equal(JSON.parse(lines[0]!).request.uri, '/after');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('schema: path is required and must be a valid filename', () => {
  assert.throws(() => validate({}), (error: Error & { fields?: unknown }) => /required field missing/.test(JSON.stringify(error.fields)));
  assert.throws(() => validate({ path: '/tmp/a*b' }), (error: Error & { fields?: unknown }) => /not a valid filename/.test(JSON.stringify(error.fields)));
  assert.equal(validate({ path: '/tmp/x.log' }).reopen, false);
});
