import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LlmConf } from '../../conf.ts';
import { upstreamInput as input } from '../../streaming/test-helpers.ts';
import { geminiDriver } from './index.ts';

const base: LlmConf = { route_type: 'llm/v1/chat', model: { provider: 'gemini', name: 'gemini-1.5-flash' } };

test('Gemini API: key as query param, generateContent / streamGenerateContent, identity encoding', () => {
  const conf: LlmConf = { ...base, auth: { param_name: 'key', param_value: 'AIza-secret', param_location: 'query' } };
  const plain = geminiDriver.upstream(input(conf));
  assert.deepEqual(plain, {
    ok: true,
    value: {
      url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-flash:generateContent?key=AIza-secret',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'identity' },
    },
  });
  const streamed = geminiDriver.upstream(input(conf, { stream: true, clientQuery: 'key=client-key' }));
  assert.ok(streamed.ok);
  // allow_override is false for gemini: the configured key replaces the client's.
  assert.equal(streamed.value.url, 'https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-flash:streamGenerateContent?key=AIza-secret');
});

test('Gemini API: key as x-goog-api-key header; embeddings use batchEmbedContents', () => {
  const conf: LlmConf = { route_type: 'llm/v1/embeddings', model: { provider: 'gemini', name: 'text-embedding-004' }, auth: { header_name: 'x-goog-api-key', header_value: 'AIza-h' } };
  const result = geminiDriver.upstream(input(conf));
  assert.ok(result.ok);
  assert.equal(result.value.url, 'https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:batchEmbedContents');
  assert.equal(result.value.headers['x-goog-api-key'], 'AIza-h');
});

test('Vertex: coordinates in the path and the service-account bearer token', () => {
  const conf: LlmConf = {
    ...base,
    auth: { gcp_use_service_account: true },
    model: { ...base.model, options: { gemini: { api_endpoint: 'us-central1-aiplatform.googleapis.com', project_id: 'portico-dev', location_id: 'us-central1' } } },
  };
  const result = geminiDriver.upstream(input(conf, { stream: true, credentials: { bearerToken: 'ya29.token' } }));
  assert.ok(result.ok);
  assert.equal(
    result.value.url,
    'https://us-central1-aiplatform.googleapis.com/v1/projects/portico-dev/locations/us-central1/publishers/google/models/gemini-1.5-flash:streamGenerateContent',
  );
  assert.equal(result.value.headers.authorization, 'Bearer ya29.token');
  // Without a minted token the request must not go out unauthenticated.
  assert.deepEqual(geminiDriver.upstream(input(conf)), { ok: false, message: 'LLM request failed before proxying' });
  const embeddings = geminiDriver.upstream(input({ ...conf, route_type: 'llm/v1/embeddings' }, { credentials: { bearerToken: 't' } }));
  assert.ok(embeddings.ok);
  assert.match(embeddings.value.url, /models\/gemini-1\.5-flash:predict$/);
});

test('upstream_url replaces the target entirely', () => {
  const conf: LlmConf = { ...base, model: { ...base.model, options: { upstream_url: 'http://127.0.0.1:8123/custom/path?alt=sse' } } };
  const result = geminiDriver.upstream(input(conf));
  assert.ok(result.ok);
  assert.equal(result.value.url, 'http://127.0.0.1:8123/custom/path?alt=sse');
});
