import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveModelTemplates } from './model-template.ts';
import type { LlmModelConf } from './conf.ts';

const model: LlmModelConf = {
  provider: 'azure',
  name: '$(uri_captures.model)',
  options: { azure_instance: '$(headers.X-Instance)', azure_deployment_id: 'dep-$(query_params.dep)', bedrock: { aws_region: '$(uri_captures.region)' } },
};
const sources = { uri_captures: { model: 'gpt-4o', region: 'eu-west-1' }, headers: { 'x-instance': ['inst-a', 'inst-b'] }, query_params: { dep: '7' } };

test('resolves templated name and options recursively from captures, headers and query', () => {
  const result = resolveModelTemplates(model, sources);
  assert.ok(result.ok);
  assert.deepEqual(result.value, {
    provider: 'azure',
    name: 'gpt-4o',
    options: { azure_instance: 'inst-a', azure_deployment_id: 'dep-7', bedrock: { aws_region: 'eu-west-1' } },
  });
  assert.equal(model.name, '$(uri_captures.model)', 'conf not mutated');
});

test('untemplated conf is returned as is', () => {
  const plain: LlmModelConf = { provider: 'openai', name: 'gpt-4o', options: { max_tokens: 5 } };
  const result = resolveModelTemplates(plain, {});
  assert.ok(result.ok);
  assert.equal(result.value, plain);
});

test("Kong's error messages", () => {
  assert.deepEqual(resolveModelTemplates({ provider: 'x', options: { azure_instance: '$(uri_captures_x)' } }, sources), {
    ok: false,
    message: "cannot parse expression for field '$(uri_captures_x)'",
  });
  assert.deepEqual(resolveModelTemplates({ provider: 'x', name: '$(uri_captures.nope)' }, sources), {
    ok: false,
    message: 'uri_captures key nope was not provided',
  });
  assert.deepEqual(resolveModelTemplates({ provider: 'x', name: '$(cookies.a)' }, sources), {
    ok: false,
    message: "source 'cookies' is not supported",
  });
});
