import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LlmConf } from '../../conf.ts';
import { feedInPieces, fixtureJson, SPLITS } from '../../streaming/test-helpers.ts';
import { STREAM_DONE, type StreamItem } from '../types.ts';
import { encodeBedrockEvent, encodeEventStreamMessage } from './event-stream.ts';
import { bedrockDriver } from './index.ts';

const model = 'anthropic.claude-3-haiku-20240307-v1:0';
const conf: LlmConf = { route_type: 'llm/v1/chat', model: { provider: 'bedrock', name: model } };
const context = { conf, model };

function recordedStream(): Buffer {
  const events = fixtureJson(import.meta.url, 'stream-tools.json') as Array<{ event: string; body: unknown }>;
  return Buffer.concat(events.map(({ event, body }) => encodeBedrockEvent(event, body)));
}

const chunk = (delta: unknown, finish: string | null = null) => ({ object: 'chat.completion.chunk', model, choices: [{ index: 0, delta, finish_reason: finish }] });

test('ConverseStream split at awkward boundaries → role, text, tool-call and finish chunks, usage, one [DONE]', () => {
  const bytes = recordedStream();
  for (const sizes of SPLITS) {
    const translator = bedrockDriver.createStreamTranslator('llm/v1/chat', context)!;
    const items = feedInPieces<StreamItem>(translator, bytes, sizes);
    assert.deepEqual(items, [
      chunk({ content: '', role: 'assistant' }),
      chunk({ content: 'Checking the parcel' }),
      chunk({ content: ' weight…' }),
      chunk({ tool_calls: [{ index: 0, id: 'tooluse_Xy12', type: 'function', function: { name: 'parcel_weight', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"parcel' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '_id": "7731"}' } }] }),
      chunk({}, 'tool_calls'),
      STREAM_DONE,
    ], `split ${sizes}`);
    const summary = translator.summary();
    assert.deepEqual(summary.usage, { prompt_tokens: 391, completion_tokens: 48, total_tokens: 439 });
    assert.equal(summary.completed, true);
    assert.equal(summary.finish_reason, 'tool_calls');
  }
});

test('a mid-stream exception becomes an error item and a clean end', () => {
  const translator = bedrockDriver.createStreamTranslator('llm/v1/chat', context)!;
  const bytes = Buffer.concat([
    encodeBedrockEvent('messageStart', { role: 'assistant' }),
    encodeEventStreamMessage(
      { ':exception-type': 'throttlingException', ':content-type': 'application/json', ':message-type': 'exception' },
      JSON.stringify({ message: 'Too many requests, please wait before trying again.' }),
    ),
  ]);
  const items = [...translator.push(bytes), ...translator.end()];
  assert.deepEqual(items.slice(1), [{ error: { message: 'Too many requests, please wait before trying again.', type: 'throttlingException' } }, STREAM_DONE]);
  assert.equal(translator.summary().completed, false);
  assert.equal(translator.summary().error, 'Too many requests, please wait before trying again.');
});

test('a stream cut before metadata ends with [DONE], no usage, incomplete; corrupt frames throw', () => {
  const translator = bedrockDriver.createStreamTranslator('llm/v1/chat', context)!;
  const bytes = recordedStream();
  const items = [...translator.push(bytes.subarray(0, 200)), ...translator.end()];
  assert.equal(items.at(-1), STREAM_DONE);
  assert.equal(translator.summary().usage, null);
  assert.equal(translator.summary().completed, false);
  const corrupt = Buffer.from(bytes);
  corrupt[30] ^= 0xff;
  assert.throws(() => bedrockDriver.createStreamTranslator('llm/v1/chat', context)!.push(corrupt), /checksum mismatch/);
  assert.equal(bedrockDriver.createStreamTranslator('llm/v1/embeddings', context), undefined);
});

test('a client that asked for include_usage gets the usage chunk before [DONE]', () => {
  const translator = bedrockDriver.createStreamTranslator('llm/v1/chat', { ...context, request: { messages: [], stream: true, stream_options: { include_usage: true } } })!;
  const items = [...translator.push(recordedStream()), ...translator.end()];
  assert.deepEqual(items.at(-2), { object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 391, completion_tokens: 48, total_tokens: 439 }, model });
  assert.equal(items.at(-1), STREAM_DONE);
  assert.equal(items.filter((item) => item === STREAM_DONE).length, 1);
});
