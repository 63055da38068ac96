import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LlmConf } from '../../conf.ts';
import { upstreamInput } from '../../streaming/test-helpers.ts';
import { bedrockDriver } from './index.ts';
import { signSigV4 } from './sigv4.ts';

const now = new Date(Date.UTC(2026, 10, 26, 5, 40, 0));
const model = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const body = '{"messages":[{"role":"user","content":[{"text":"hi"}]}]}';
const conf: LlmConf = {
  route_type: 'llm/v1/chat',
  auth: { aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', header_name: 'x-api-key', header_value: 'ignored' },
  model: { provider: 'bedrock', name: model, options: { bedrock: { aws_region: 'eu-west-1' } } },
};

test('Converse URL with the encoded model id, SigV4 headers over the exact body, no header auth', () => {
  const result = bedrockDriver.upstream(upstreamInput(conf, { body, now }));
  assert.ok(result.ok);
  const request = result.value;
  assert.equal(request.url, 'https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse');
  assert.equal(request.method, 'POST');
  assert.equal(request.headers['x-api-key'], undefined);
  assert.equal(request.headers['x-amz-date'], '20261126T054000Z');
  assert.equal(request.headers['x-amz-security-token'], undefined);
  assert.deepEqual(request.removeHeaders, ['x-amz-content-sha256', 'x-amz-security-token']);

  // Verify independently: the signature is over the double-encoded canonical path and the body.
  const expected = signSigV4(
    { method: 'POST', url: request.url, body },
    { credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }, region: 'eu-west-1', service: 'bedrock', date: now },
  );
  assert.match(expected.canonicalRequest, /^POST\n\/model\/anthropic\.claude-3-5-sonnet-20240620-v1%253A0\/converse\n/);
  assert.equal(request.headers.authorization, expected.headers.Authorization);
  assert.match(request.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261126\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=host;x-amz-date, Signature=[0-9a-f]{64}$/);

  const tampered = bedrockDriver.upstream(upstreamInput(conf, { body: body + ' ', now }));
  assert.ok(tampered.ok);
  assert.notEqual(tampered.value.headers.authorization, request.headers.authorization);
});

test('streaming path, session credentials from the glue, region fallback', () => {
  const noStatic: LlmConf = { ...conf, auth: null, model: { ...conf.model, options: null } };
  const result = bedrockDriver.upstream(upstreamInput(noStatic, {
    stream: true,
    body,
    now,
    credentials: { aws: { accessKeyId: 'ASIATEMP', secretAccessKey: 'secret', sessionToken: 'session-token', region: 'us-west-2' } },
  }));
  assert.ok(result.ok);
  assert.equal(result.value.url, 'https://bedrock-runtime.us-west-2.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream');
  assert.equal(result.value.headers['x-amz-security-token'], 'session-token');
  assert.match(result.value.headers.authorization, /Credential=ASIATEMP\/20261126\/us-west-2\/bedrock\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token,/);
});

test('no region or no credentials → Kong\'s "failed before proxying"; embeddings use /invoke', () => {
  const noCreds: LlmConf = { ...conf, auth: null };
  assert.deepEqual(bedrockDriver.upstream(upstreamInput(noCreds, { body })), { ok: false, message: 'LLM request failed before proxying' });
  const noRegion: LlmConf = { ...conf, model: { ...conf.model, options: null } };
  assert.deepEqual(bedrockDriver.upstream(upstreamInput(noRegion, { body })), { ok: false, message: 'LLM request failed before proxying' });
  const embeddings = bedrockDriver.upstream(upstreamInput({ ...conf, route_type: 'llm/v1/embeddings', model: { ...conf.model, name: 'amazon.titan-embed-text-v2:0' } }, { body: '{}' }));
  assert.ok(embeddings.ok);
  assert.equal(embeddings.value.url, 'https://bedrock-runtime.eu-west-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke');
});

test('preserve: the client path and method are signed as sent', () => {
  const preserve: LlmConf = { ...conf, route_type: 'preserve' };
  const result = bedrockDriver.upstream(upstreamInput(preserve, { clientMethod: 'POST', clientPath: '/model/amazon.nova-lite-v1%3A0/converse', body, now }));
  assert.ok(result.ok);
  assert.equal(result.value.url, 'https://bedrock-runtime.eu-west-1.amazonaws.com/model/amazon.nova-lite-v1%3A0/converse');
  const expected = signSigV4(
    { method: 'POST', url: result.value.url, body },
    { credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }, region: 'eu-west-1', service: 'bedrock', date: now },
  );
  assert.equal(result.value.headers.authorization, expected.headers.Authorization);
});
