import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LlmConf } from '../../conf.ts';
import { FrameTooLargeError } from '../../streaming/line-splitter.ts';
import { STREAM_DONE, type StreamItem } from '../types.ts';
import { fixtureText as readFixture } from '../../streaming/test-helpers.ts';

const fixtureText = (name: string) => readFixture(import.meta.url, name);
import { geminiDriver } from './index.ts';
import { JsonArraySplitter } from './json-array-splitter.ts';

const conf: LlmConf = { route_type: 'llm/v1/chat', model: { provider: 'gemini', name: 'gemini-1.5-pro' } };
const context = { conf, model: 'gemini-1.5-pro' };

function contentOf(items: StreamItem[]): string {
  return items.map((item) => String((item as { choices?: Array<{ delta?: { content?: unknown } }> }).choices?.[0]?.delta?.content ?? '')).join('');
}

test('JSON-array stream split at every boundary → same chunks, [DONE] when the array closes, usage set', () => {
  const bytes = Buffer.from(fixtureText('stream.json'));
  let reference: StreamItem[] | undefined;
  for (let cut = 1; cut < bytes.length; cut += 3) {
    const translator = geminiDriver.createStreamTranslator('llm/v1/chat', context)!;
    const items = [...translator.push(bytes.subarray(0, cut)), ...translator.push(bytes.subarray(cut)), ...translator.end()];
    reference ??= items;
    assert.deepEqual(items, reference, `cut at ${cut}`);
    assert.deepEqual(translator.summary().usage, { prompt_tokens: 31, completion_tokens: 14, total_tokens: 45 });
    assert.equal(translator.summary().completed, true);
  }
  assert.equal(contentOf(reference!), 'Water boils at 100 °C {at sea level}, "roughly".');
  assert.equal(reference!.at(-1), STREAM_DONE);
  assert.equal(reference!.filter((item) => item === STREAM_DONE).length, 1);
  assert.deepEqual(reference![0], {
    model: 'gemini-1.5-pro',
    object: 'chat.completion.chunk',
    choices: [{ delta: { content: 'Water boils', role: 'assistant' }, index: 0, finish_reason: null }],
  });
  const last = reference!.at(-2) as { choices: Array<{ finish_reason: unknown }> };
  assert.equal(last.choices[0].finish_reason, 'stop');
});

test('alt=sse framing is detected and translated too', () => {
  const elements = JSON.parse(fixtureText('stream.json')) as unknown[];
  const sse = elements.map((element) => `data: ${JSON.stringify(element)}\r\n\r\n`).join('');
  const translator = geminiDriver.createStreamTranslator('llm/v1/chat', context)!;
  const items = [...translator.push(sse.slice(0, 17)), ...translator.push(sse.slice(17)), ...translator.end()];
  assert.equal(contentOf(items), 'Water boils at 100 °C {at sea level}, "roughly".');
  assert.equal(items.at(-1), STREAM_DONE);
  assert.equal(translator.summary().usage?.total_tokens, 45);
  assert.equal(geminiDriver.streamFraming({ ...conf, model: { ...conf.model, options: { upstream_url: 'http://x/y?alt=sse' } } }), 'sse');
  assert.equal(geminiDriver.streamFraming(conf), 'json-array');
});

test('streamed function calls become delta.tool_calls', () => {
  const translator = geminiDriver.createStreamTranslator('llm/v1/chat', context)!;
  const items = translator.push('[{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"a":1}}}]},"finishReason":"STOP"}]}]');
  assert.deepEqual((items[0] as { choices: unknown[] }).choices, [
    { delta: { tool_calls: [{ index: 0, type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, index: 0, finish_reason: 'stop' },
  ]);
  assert.equal(items[1], STREAM_DONE);
});

test('a stream cut short still ends with one [DONE] and is marked incomplete; bad elements are dropped', () => {
  const translator = geminiDriver.createStreamTranslator('llm/v1/chat', context)!;
  const items = [...translator.push('[{"candidates":[{"content":{"parts":[{"text":"par"}]}}]},{"candidates":[{"cont'), ...translator.end()];
  assert.equal(contentOf(items), 'par');
  assert.equal(items.at(-1), STREAM_DONE);
  assert.equal(translator.summary().completed, false);
  assert.equal(translator.summary().usage, null);
  assert.equal(geminiDriver.createStreamTranslator('llm/v1/embeddings', context), undefined);
  const broken = geminiDriver.createStreamTranslator('llm/v1/chat', context)!;
  assert.deepEqual(broken.push('[{bad json},'), []);
});

test('the splitter handles escaped quotes/brackets in strings and bounds an element', () => {
  const splitter = new JsonArraySplitter(64);
  assert.deepEqual(splitter.push('[{"a":"x\\"]}"}'), { elements: ['{"a":"x\\"]}"}'], closed: false });
  assert.deepEqual(splitter.push(',{"b":[1,{"c":2}]}]'), { elements: ['{"b":[1,{"c":2}]}'], closed: true });
  const bounded = new JsonArraySplitter(64);
  assert.throws(() => bounded.push('[{"a":"' + 'x'.repeat(100)), FrameTooLargeError);
});

test('a client that asked for include_usage gets OpenAI\'s usage chunk before [DONE]', () => {
  const translator = geminiDriver.createStreamTranslator('llm/v1/chat', { ...context, request: { messages: [], stream: true, stream_options: { include_usage: true } } })!;
  const items = [...translator.push(fixtureText('stream.json')), ...translator.end()];
  assert.deepEqual(items.at(-2), { object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 31, completion_tokens: 14, total_tokens: 45 }, model: 'gemini-1.5-pro' });
  assert.equal(items.at(-1), STREAM_DONE);
  // Without the option the stream carries no usage chunk.
  const plain = geminiDriver.createStreamTranslator('llm/v1/chat', context)!;
  assert.ok([...plain.push(fixtureText('stream.json'))].every((item) => item === STREAM_DONE || !('usage' in item)));
});
