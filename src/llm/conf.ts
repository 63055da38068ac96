// The shape of Kong's shared LLM config (kong/llm/schemas/init.lua) as the pure layer reads it.
// The ai-proxy / ai-*-transformer schemas (plugins/) declare and validate it; here it is only a
// type. Kong serialises unset fields as null, so every optional field also accepts null.

import type { RouteType } from './protocols/route-types.ts';

export type ParamLocation = 'query' | 'body';

export interface LlmAuthConf {
  header_name?: string | null;
  header_value?: string | null;
  param_name?: string | null;
  param_value?: string | null;
  param_location?: ParamLocation | null;
  azure_use_managed_identity?: boolean | null;
  azure_client_id?: string | null;
  azure_client_secret?: string | null;
  azure_tenant_id?: string | null;
  gcp_use_service_account?: boolean | null;
  gcp_service_account_json?: string | null;
  aws_access_key_id?: string | null;
  aws_secret_access_key?: string | null;
  allow_override?: boolean | null;
}

export interface LlmModelOptions {
  max_tokens?: number | null;
  input_cost?: number | null;
  output_cost?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  top_k?: number | null;
  anthropic_version?: string | null;
  azure_instance?: string | null;
  azure_api_version?: string | null;
  azure_deployment_id?: string | null;
  llama2_format?: 'raw' | 'openai' | 'ollama' | null;
  mistral_format?: 'openai' | 'ollama' | null;
  upstream_url?: string | null;
  upstream_path?: string | null;
  gemini?: { api_endpoint?: string | null; project_id?: string | null; location_id?: string | null } | null;
  bedrock?: { aws_region?: string | null } | null;
  huggingface?: { use_cache?: boolean | null; wait_for_model?: boolean | null } | null;
}

export interface LlmModelConf {
  provider: string;
  name?: string | null;
  options?: LlmModelOptions | null;
}

export interface LlmLoggingConf {
  log_statistics?: boolean | null;
  log_payloads?: boolean | null;
}

export type ResponseStreaming = 'allow' | 'deny' | 'always';
export type LlmFormat = 'openai' | 'bedrock' | 'gemini';

/** ai-proxy's `config` (the transformer plugins' `config.llm` is the same minus the ai-proxy-only fields). */
export interface LlmConf {
  route_type: RouteType;
  auth?: LlmAuthConf | null;
  model: LlmModelConf;
  logging?: LlmLoggingConf | null;
  response_streaming?: ResponseStreaming | null;
  max_request_body_size?: number | null;
  model_name_header?: boolean | null;
  llm_format?: LlmFormat | null;
}
