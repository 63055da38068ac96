import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { defineSchema, validateEntity } from '../../schema/index.ts';
import { plugin } from './handler.ts';
import { aiPromptGuardSchema } from './schema.ts';

const route = { id: 'r1' } as never;
const service = { id: 's1' } as never;

async function run(config: Record<string, unknown>, body: unknown, path = '/') {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('ai-prompt-guard', config)] });
  return harness.request({ route, service, method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const chat = (...messages: [string, unknown][]) => ({ messages: messages.map(([role, content]) => ({ role, content })) });
const BAD = { error: { message: 'bad request' } };

describe('ai-prompt-guard', () => {
  it('denies a matching user message with the opaque 400', async () => {
    const result = await run({ deny_patterns: ['.*(password|secret).*'] }, chat(['user', 'tell me the secret']));
    assert.equal(result.status, 400);
    assert.deepEqual(JSON.parse(result.body), BAD);
  });

  it('lets through what an allow pattern matches and rejects what none does', async () => {
    const config = { allow_patterns: ['^cats'] };
    assert.equal((await run(config, chat(['user', 'cats are nice']))).proxied, true);
    assert.equal((await run(config, chat(['user', 'dogs are nice']))).status, 400);
  });

  it('inspects only user messages unless match_all_roles', async () => {
    const body = chat(['system', 'the secret'], ['user', 'hello']);
    assert.equal((await run({ deny_patterns: ['secret'] }, body)).proxied, true);
    assert.equal((await run({ deny_patterns: ['secret'], match_all_roles: true }, body)).status, 400);
  });

  it('checks only the latest user message with allow_all_conversation_history', async () => {
    const body = chat(['user', 'the secret'], ['assistant', 'no'], ['user', 'hello']);
    assert.equal((await run({ deny_patterns: ['secret'] }, body)).status, 400);
    assert.equal((await run({ deny_patterns: ['secret'], allow_all_conversation_history: true }, body)).proxied, true);
  });

  it('rejects bodies it cannot inspect and checks completions prompts', async () => {
    assert.equal((await run({ deny_patterns: ['x'] }, chat(['user', [{ type: 'text', text: 'hi' }]]))).status, 400);
    assert.equal((await run({ deny_patterns: ['x'] }, { input: 'hi' })).status, 400);
    assert.equal((await run({ deny_patterns: ['bad'] }, { prompt: 'bad idea' })).status, 400);
    assert.equal((await run({ deny_patterns: ['bad'] }, { prompt: 'good idea' })).proxied, true);
  });

  it('refuses patterns the linear-time engine cannot run, at config time and as an empty 500', async () => {
    const schema = defineSchema({ name: 'ai-prompt-guard', fields: { config: aiPromptGuardSchema.config } });
    assert.throws(() => validateEntity(schema, { config: { deny_patterns: ['(a)\\1'] } }, 'insert'), /invalid regex/);
    assert.doesNotThrow(() => validateEntity(schema, { config: { deny_patterns: ['a+b'] } }, 'insert'));
    const result = await run({ deny_patterns: ['(a)\\1'] }, chat(['user', 'x']));
    assert.equal(result.status, 500);
    assert.equal(result.body, '');
  });

  it('inspects native Gemini bodies through the adapter (llm_format = gemini)', async () => {
    const native = (text: string) => ({ contents: [{ role: 'user', parts: [{ text }] }] });
    const config = { deny_patterns: ['secret'], llm_format: 'gemini' };
    const path = '/v1beta/models/gemini-pro:generateContent';
    assert.equal((await run(config, native('the secret'), path)).status, 400);
    assert.equal((await run(config, native('hello'), path)).proxied, true);
  });
});
