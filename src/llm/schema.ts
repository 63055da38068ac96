// Kong's shared LLM config schema (kong/llm/schemas/init.lua): `auth`, `model` and `logging`,
// declared once and used by ai-proxy (its `config`) and the ai-request/response-transformer
// plugins (their `config.llm`). The per-provider requirements are Kong's entity checks, with
// Kong's messages; they are reported under `@entity` of the record that holds them.

import type { CustomEntityCheck, FieldDef, FieldMap } from '../schema/index.ts';
import { providerNames } from './providers/index.ts';
import { ROUTE_TYPES } from './protocols/route-types.ts';

const referenceableString = { type: 'string', referenceable: true } as const;

export const llmAuthField = {
  type: 'record',
  required: false,
  fields: {
    header_name: { type: 'string', referenceable: true, description: 'Header used for authentication, e.g. Authorization or x-api-key.' },
    header_value: { type: 'string', referenceable: true, encrypted: true, description: 'Full header value, e.g. `Bearer key`.' },
    param_name: { type: 'string', referenceable: true, description: 'Query or body parameter used for authentication.' },
    param_value: { type: 'string', referenceable: true, encrypted: true },
    param_location: { type: 'string', one_of: ['query', 'body'] },
    azure_use_managed_identity: { type: 'boolean', default: false },
    azure_client_id: referenceableString,
    azure_client_secret: { type: 'string', referenceable: true, encrypted: true },
    azure_tenant_id: referenceableString,
    gcp_use_service_account: { type: 'boolean', default: false },
    gcp_service_account_json: { type: 'string', referenceable: true, encrypted: true, description: 'Falls back to env GCP_SERVICE_ACCOUNT.' },
    aws_access_key_id: { type: 'string', referenceable: true, encrypted: true },
    aws_secret_access_key: { type: 'string', referenceable: true, encrypted: true },
    allow_override: { type: 'boolean', default: false, description: 'Let a client-sent auth header or parameter win over the configured one.' },
  },
  entity_checks: [
    { mutually_required: ['header_name', 'header_value'] },
    { mutually_required: ['param_name', 'param_value', 'param_location'] },
  ],
} as const satisfies FieldDef;

export const llmModelOptionsField = {
  type: 'record',
  required: false,
  fields: {
    max_tokens: { type: 'integer', description: 'Overrides the client value.' },
    input_cost: { type: 'number', gt: 0, description: 'Cost per 1M prompt tokens.' },
    output_cost: { type: 'number', gt: 0, description: 'Cost per 1M completion tokens.' },
    temperature: { type: 'number', between: [0, 5] },
    top_p: { type: 'number', between: [0, 1] },
    top_k: { type: 'integer', between: [0, 500] },
    anthropic_version: { type: 'string' },
    azure_instance: { type: 'string' },
    azure_api_version: { type: 'string', default: '2023-05-15' },
    azure_deployment_id: { type: 'string' },
    llama2_format: { type: 'string', one_of: ['raw', 'openai', 'ollama'] },
    mistral_format: { type: 'string', one_of: ['openai', 'ollama'] },
    upstream_url: { type: 'string', custom_validator: validateUpstreamUrl },
    upstream_path: { type: 'string', description: 'Deprecated: overrides only the upstream path.' },
    gemini: {
      type: 'record',
      required: false,
      fields: { api_endpoint: { type: 'string' }, project_id: { type: 'string' }, location_id: { type: 'string' } },
      entity_checks: [{ mutually_required: ['api_endpoint', 'project_id', 'location_id'] }],
    },
    bedrock: { type: 'record', required: false, fields: { aws_region: { type: 'string' } } },
    huggingface: {
      type: 'record',
      required: false,
      fields: { use_cache: { type: 'boolean' }, wait_for_model: { type: 'boolean' } },
    },
  },
} as const satisfies FieldDef;

export const llmModelField = {
  type: 'record',
  required: true,
  fields: {
    provider: { type: 'string', required: true, one_of: providerNames() },
    name: { type: 'string', description: 'Model name; when unset the client body `model` is used.' },
    options: llmModelOptionsField,
  },
} as const satisfies FieldDef;

export const llmLoggingField = {
  type: 'record',
  required: true,
  fields: {
    log_statistics: { type: 'boolean', required: true, default: false },
    log_payloads: { type: 'boolean', required: true, default: false },
  },
} as const satisfies FieldDef;

export const llmRouteTypeField = { type: 'string', required: true, one_of: ROUTE_TYPES } as const satisfies FieldDef;

function validateUpstreamUrl(value: string): true | string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'missing host in url';
    return true;
  } catch {
    return 'missing host in url';
  }
}

interface CheckedConf {
  route_type?: string;
  auth?: { allow_override?: boolean | null } | null;
  model?: { provider?: string; options?: Record<string, unknown> | null } | null;
  logging?: { log_statistics?: boolean | null } | null;
  llm_format?: string | null;
}

/** Kong's provider requirements, first failure wins (as Kong reports one `@entity` line per check). */
export function checkProviderRequirements(conf: CheckedConf): true | string {
  const provider = conf.model?.provider;
  const options = conf.model?.options ?? {};
  const has = (name: string): boolean => options[name] !== undefined && options[name] !== null && options[name] !== '';
  if (provider === 'anthropic' && !has('anthropic_version')) return "must set 'model.options.anthropic_version' for anthropic provider";
  if (provider === 'azure') {
    if (!has('azure_instance')) return "must set 'model.options.azure_instance' for azure provider";
    if (!has('azure_api_version')) return "must set 'model.options.azure_api_version' for azure provider";
    if (!has('azure_deployment_id')) return "must set 'model.options.azure_deployment_id' for azure provider";
  }
  if (provider === 'llama2') {
    if (!has('llama2_format')) return "must set 'model.options.llama2_format' for llama2 provider";
    if (!has('upstream_url')) return "must set 'model.options.upstream_url' for self-hosted providers/models";
  }
  if (provider === 'mistral' && !has('mistral_format')) return "must set 'model.options.mistral_format' for mistral provider";
  if ((provider === 'bedrock' || provider === 'gemini') && conf.auth?.allow_override === true) {
    return 'bedrock and gemini only support auth.allow_override = false';
  }
  if (provider === 'anthropic' && conf.route_type === 'llm/v1/completions' && conf.logging?.log_statistics === true) {
    return 'anthropic does not support statistics when route_type is llm/v1/completions';
  }
  const format = conf.llm_format ?? 'openai';
  if (format !== 'openai') {
    if (conf.route_type !== 'llm/v1/chat') return "native provider options in llm_format can only be used with the 'llm/v1/chat' route_type";
    if (provider !== format) return `native llm_format '${format}' can only be used with the '${format}' model.provider`;
  }
  return true;
}

export const providerRequirementsCheck: CustomEntityCheck = {
  // The checker sees only its field_sources; auth/logging/llm_format may be absent.
  field_sources: ['route_type', 'model', 'auth', 'logging', 'llm_format'],
  run_with_missing_fields: true,
  fn: (entity) => checkProviderRequirements(entity as CheckedConf),
};

/** The LLM fields shared by ai-proxy's `config` and the transformers' `config.llm`. */
export const llmConfigFields = {
  route_type: llmRouteTypeField,
  auth: llmAuthField,
  model: llmModelField,
  logging: llmLoggingField,
} as const satisfies FieldMap;

/** The LLM record of the transformer plugins: the shared fields, chat only (Kong's transformer schema). */
export const transformerLlmField = {
  type: 'record',
  required: true,
  fields: llmConfigFields,
  entity_checks: [
    { custom_entity_check: providerRequirementsCheck },
    {
      custom_entity_check: {
        field_sources: ['route_type'],
        fn: (entity) => entity.route_type === 'llm/v1/chat' ? true : "'config.llm.route_type' must be 'llm/v1/chat' for AI transformer plugins",
      },
    },
  ],
} as const satisfies FieldDef;

/** Fields shared by ai-request-transformer and ai-response-transformer (kong-ai.md §13). */
export const transformerConfigFields = {
  prompt: { type: 'string', required: true, description: 'The instruction sent to the LLM as the system message.' },
  transformation_extract_pattern: { type: 'string', required: false, description: 'Keep only the first match of this regex in the LLM answer.' },
  http_timeout: { type: 'integer', required: true, default: 60000 },
  https_verify: { type: 'boolean', required: true, default: true },
  max_request_body_size: { type: 'integer', default: 8 * 1024, gt: 0 },
  http_proxy_host: { type: 'string' },
  http_proxy_port: { type: 'integer', between: [0, 65535] },
  https_proxy_host: { type: 'string' },
  https_proxy_port: { type: 'integer', between: [0, 65535] },
  llm: transformerLlmField,
} as const satisfies FieldMap;

export const transformerEntityChecks = [
  { mutually_required: ['http_proxy_host', 'http_proxy_port'] },
  { mutually_required: ['https_proxy_host', 'https_proxy_port'] },
] as const;
