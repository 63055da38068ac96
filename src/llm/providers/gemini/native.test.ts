import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureJson } from '../../streaming/test-helpers.ts';
import { geminiDriver } from './index.ts';

const adapter = geminiDriver.nativeFormat!;

test('llm_format gemini: native request → OpenAI-shaped copy, model and stream from the path', () => {
  const info = adapter.toCanonical(fixtureJson(import.meta.url, 'native-request.json'), '/gemini/v1beta/models/gemini-1.5-pro:streamGenerateContent');
  assert.deepEqual(info, { request: fixtureJson(import.meta.url, 'native-request.canonical.json'), stream: true, model: 'gemini-1.5-pro' });
});

test('named captures win over the path; a single contents object is accepted; no model → undefined', () => {
  const info = adapter.toCanonical({ contents: { role: 'user', parts: [{ text: 'hi' }] } }, '/anything', { model: 'gemini-2.0-flash', operation: 'generateContent' });
  assert.equal(info.model, 'gemini-2.0-flash');
  assert.equal(info.stream, false);
  assert.deepEqual(info.request.messages, [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  const bare = adapter.toCanonical('not an object', '/chat');
  assert.equal(bare.model, undefined);
  assert.deepEqual(bare.request.messages, []);
});

test('response model comes from modelVersion', () => {
  assert.equal(adapter.responseModel(fixtureJson(import.meta.url, 'chat-response.json')), 'gemini-1.5-pro-002');
  assert.equal(adapter.responseModel({}), undefined);
});
