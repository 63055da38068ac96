import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureJson } from '../../streaming/test-helpers.ts';
import { bedrockDriver } from './index.ts';

const adapter = bedrockDriver.nativeFormat!;

test('llm_format bedrock: native Converse request → OpenAI-shaped copy; model unescaped from the path', () => {
  const info = adapter.toCanonical(fixtureJson(import.meta.url, 'chat-request.native.json'), '/bedrock/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream');
  assert.equal(info.model, 'anthropic.claude-3-5-sonnet-20240620-v1:0');
  assert.equal(info.stream, true);
  assert.deepEqual(info.request, {
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'You are a shipping assistant.' }] },
      { role: 'user', content: [{ type: 'text', text: 'How heavy is parcel 7731?' }] },
      { role: 'assistant', tool_calls: [{ id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', type: 'function', function: { name: 'parcel_weight', arguments: '{"parcel_id":"7731"}' } }] },
      { role: 'tool', tool_call_id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', content: '{"kilograms":2.4}' },
      { role: 'user', content: [{ type: 'text', text: 'Thanks. Is that under the 3 kg limit?' }] },
    ],
    stream: true,
    model: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
    temperature: 0.3,
    max_tokens: 300,
    stop: ['###'],
    tools: [
      {
        type: 'function',
        function: { name: 'parcel_weight', description: 'Weight of a parcel by id', parameters: { type: 'object', properties: { parcel_id: { type: 'string' } }, required: ['parcel_id'] } },
      },
    ],
  });
});

test('captures win; converse is not streaming; images become data URLs; no model reported in answers', () => {
  const info = adapter.toCanonical(
    { messages: [{ role: 'user', content: [{ image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } }] }] },
    '/x',
    { model: 'amazon.nova-lite-v1:0', operation: 'converse' },
  );
  assert.equal(info.model, 'amazon.nova-lite-v1:0');
  assert.equal(info.stream, false);
  assert.deepEqual(info.request.messages, [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }]);
  assert.equal(adapter.responseModel(fixtureJson(import.meta.url, 'chat-response.json')), undefined);
  assert.deepEqual(bedrockDriver.clearResponseHeaders, ['set-cookie']);
  assert.equal(adapter.toCanonical(null, '/model/bad%zz/converse').model, 'bad%zz');
});
