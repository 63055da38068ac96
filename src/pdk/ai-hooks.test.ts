// The PDK additions the AI plugins use: kong.log.set_serialize_value, per-chunk body_filter
// rewrites (get_chunk/set_chunk) and kong.service.request.enable_buffering.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createPluginHarness, pluginRow } from '../pipeline/index.ts';
import { definePlugin } from './index.ts';

const route = { id: 'r1' } as never;
const service = { id: 's1' } as never;

it('set_serialize_value nests dotted keys into kong.log.serialize()', async () => {
  let entry: Record<string, any> = {};
  const plugin = definePlugin({
    name: 'serialize-values', version: '1', priority: 1, schema: { config: { type: 'record', fields: {} } },
    access(kong) { kong.log.set_serialize_value('ai.proxy', { usage: 1 }); kong.log.set_serialize_value('ai.other.deep', 2); },
    log(kong) { entry = kong.log.serialize(); },
  });
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('serialize-values', {})] });
  await harness.request({ route, service });
  assert.deepEqual(entry.ai, { proxy: { usage: 1 }, other: { deep: 2 } });
  assert.ok(entry.request !== undefined, 'the base record is kept');
});

it('set_chunk rewrites each chunk without ending the body; enable_buffering buffers the response', async () => {
  const seen: boolean[] = [];
  const plugin = definePlugin({
    name: 'chunk-rewrite', version: '1', priority: 1, schema: { config: { type: 'record', fields: {} } },
    access(kong) { if (kong.request.get_header('x-buffer') === 'yes') kong.service.request.enable_buffering(); },
    header_filter(kong) { seen.push(kong.service.response.get_raw_body() !== null); },
    body_filter(kong) {
      const { chunk, eof } = kong.response.get_chunk();
      kong.response.set_chunk(`[${chunk.toString().toUpperCase()}${eof ? '!' : ''}]`);
    },
  });
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('chunk-rewrite', {})] });
  const streamed = await harness.request({ route, service }, { body: 'abcd', chunkSize: 2 });
  assert.equal(streamed.body, '[AB][CD!]');
  await harness.request({ route, service, headers: { 'x-buffer': 'yes' } }, { body: 'abcd' });
  assert.deepEqual(seen, [false, true]);
});
