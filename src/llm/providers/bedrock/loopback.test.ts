// The bedrock pieces end to end over a real loopback socket: upstream() → fetch with the signed
// headers → a mock Bedrock that re-derives the signature from what actually arrived on the wire
// and answers with AWS event-stream frames → the stream translator.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { LlmConf } from '../../conf.ts';
import { upstreamInput } from '../../streaming/test-helpers.ts';
import { STREAM_DONE, type StreamItem } from '../types.ts';
import { encodeBedrockEvent } from './event-stream.ts';
import { bedrockDriver } from './index.ts';
import { signSigV4 } from './sigv4.ts';

const secret = 'loopback-secret';

function wireDate(amzDate: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate)!;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

test('signed ConverseStream request verified by a loopback Bedrock; streamed answer translated', async () => {
  const seen: Array<{ path: string; verified: boolean }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const expected = signSigV4(
        { method: req.method!, url: `http://${req.headers.host}${req.url}`, body },
        { credentials: { accessKeyId: 'AKIDLOOP', secretAccessKey: secret, sessionToken: req.headers['x-amz-security-token'] as string | undefined }, region: 'us-east-1', service: 'bedrock', date: wireDate(String(req.headers['x-amz-date'])) },
      );
      const verified = req.headers.authorization === expected.headers.Authorization;
      seen.push({ path: req.url!, verified });
      if (!verified) {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'The request signature we calculated does not match the signature you provided.' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      const frames = Buffer.concat([
        encodeBedrockEvent('messageStart', { role: 'assistant' }),
        encodeBedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hello from ' } }),
        encodeBedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'loopback.' } }),
        encodeBedrockEvent('messageStop', { stopReason: 'end_turn' }),
        encodeBedrockEvent('metadata', { usage: { inputTokens: 9, outputTokens: 4, totalTokens: 13 }, metrics: { latencyMs: 3 } }),
      ]);
      // Written in odd-sized pieces so frames straddle socket writes.
      for (let offset = 0; offset < frames.length; offset += 37) res.write(frames.subarray(offset, offset + 37));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    const model = 'anthropic.claude-3-haiku-20240307-v1:0';
    const conf: LlmConf = {
      route_type: 'llm/v1/chat',
      auth: { aws_access_key_id: 'AKIDLOOP', aws_secret_access_key: secret },
      model: { provider: 'bedrock', name: model, options: { bedrock: { aws_region: 'us-east-1' }, upstream_url: `http://127.0.0.1:${port}/model/${encodeURIComponent(model)}/converse-stream` } },
    };
    const native = bedrockDriver.toNative('llm/v1/chat', { messages: [{ role: 'user', content: 'hi' }], stream: true }, { conf, model });
    assert.ok(native.ok);
    const body = JSON.stringify(native.value);
    const target = bedrockDriver.upstream(upstreamInput(conf, { stream: true, body }));
    assert.ok(target.ok);

    const response = await fetch(target.value.url, { method: target.value.method, headers: target.value.headers, body });
    assert.equal(response.status, 200);
    const translator = bedrockDriver.createStreamTranslator('llm/v1/chat', { conf, model })!;
    const items: StreamItem[] = [];
    for await (const chunk of response.body!) items.push(...translator.push(chunk as Uint8Array));
    items.push(...translator.end());

    assert.deepEqual(seen, [{ path: '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream', verified: true }]);
    const text = items.map((item) => String((item as { choices?: Array<{ delta?: { content?: unknown } }> }).choices?.[0]?.delta?.content ?? '')).join('');
    assert.equal(text, 'Hello from loopback.');
    assert.equal(items.at(-1), STREAM_DONE);
    assert.deepEqual(translator.summary().usage, { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });

    // A body changed after signing is rejected by the server's check.
    const tampered = await fetch(target.value.url, { method: 'POST', headers: target.value.headers, body: body.replace('hi', 'ho') });
    assert.equal(tampered.status, 403);
    await tampered.arrayBuffer();
  } finally {
    server.close();
  }
});
