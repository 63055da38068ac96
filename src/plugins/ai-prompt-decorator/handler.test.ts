import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { AI_REQUEST_BODY_KEY } from '../../llm/request-body.ts';
import { plugin } from './handler.ts';

const route = { id: 'r1' } as never;
const service = { id: 's1' } as never;
const prompts = {
  prepend: [{ role: 'system', content: 'Be brief.' }, { role: 'assistant', content: 'OK.' }],
  append: [{ role: 'user', content: 'Answer in French.' }],
};

async function run(body: unknown) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('ai-prompt-decorator', { prompts })] });
  return harness.request({ route, service, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('ai-prompt-decorator', () => {
  it('prepends and appends in order and shares the decorated body', async () => {
    const result = await run({ model: 'm', messages: [{ role: 'user', content: 'Hi', name: 'x' }] });
    assert.equal(result.proxied, true);
    const sent = JSON.parse(result.ctx.upstream.body!.toString());
    assert.deepEqual(sent.messages.map((message: { content: string }) => message.content), ['Be brief.', 'OK.', 'Hi', 'Answer in French.']);
    assert.equal(sent.model, 'm');
    assert.deepEqual(result.ctx.shared[AI_REQUEST_BODY_KEY], sent);
  });

  it('rejects non-chat bodies with Kong\'s 400', async () => {
    for (const body of [{ prompt: 'x' }, { messages: [] }, 'text']) {
      const result = await run(body);
      assert.equal(result.status, 400);
      assert.deepEqual(JSON.parse(result.body), { error: { message: 'this LLM route only supports llm/chat type requests' } });
    }
  });
});
