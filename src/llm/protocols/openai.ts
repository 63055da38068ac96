// The canonical request/response shapes: OpenAI's public chat, completions and embeddings APIs,
// which Kong names llm/v1/chat, llm/v1/completions (kong/llm/drivers/shared.lua). Only the fields
// Portico reads or writes are typed; every interface stays open (`[key: string]: unknown`) because
// Kong forwards unknown OpenAI fields untouched for openai-compatible providers.

// ---------- content ----------

export interface TextContentPart {
  type: 'text';
  text: string;
}

export interface ImageContentPart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

export interface InputAudioContentPart {
  type: 'input_audio';
  input_audio: { data: string; format: string };
}

export type ContentPart = TextContentPart | ImageContentPart | InputAudioContentPart | { type: string; [key: string]: unknown };

/** A message's content: a plain string, an array of parts (multimodal), or null (assistant tool calls). */
export type MessageContent = string | ContentPart[] | null;

// ---------- tools ----------

export interface FunctionDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

export interface ToolDefinition {
  type: 'function';
  function: FunctionDefinition;
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** Streamed tool-call fragments: the first carries id/type/name, later ones append `arguments`. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

// ---------- chat ----------

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

export interface ChatMessage {
  role: ChatRole | string;
  content?: MessageContent;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  [key: string]: unknown;
}

export interface StreamOptions {
  include_usage?: boolean;
}

export interface ChatRequest {
  model?: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: StreamOptions;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  /** Not OpenAI: Kong accepts it for providers that have it and strips it for OpenAI. */
  top_k?: number;
  stop?: string | string[];
  n?: number;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  [key: string]: unknown;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call' | string;

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [key: string]: unknown;
}

export interface ChatChoice {
  index: number;
  message: ChatMessage;
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatResponse {
  id?: string;
  object: 'chat.completion';
  created?: number;
  model?: string;
  choices: ChatChoice[];
  usage?: Usage;
  system_fingerprint?: string | null;
  [key: string]: unknown;
}

export interface ChatChunkDelta {
  role?: string;
  content?: string | null;
  tool_calls?: ToolCallDelta[];
  [key: string]: unknown;
}

export interface ChatChunkChoice {
  index: number;
  delta: ChatChunkDelta;
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatChunk {
  id?: string;
  object: 'chat.completion.chunk';
  created?: number;
  model?: string;
  choices: ChatChunkChoice[];
  /** OpenAI sends usage in a final chunk (empty `choices`) when `stream_options.include_usage`. */
  usage?: Usage | null;
  system_fingerprint?: string | null;
  [key: string]: unknown;
}

// ---------- completions ----------

export interface CompletionRequest {
  model?: string;
  prompt: string;
  stream?: boolean;
  stream_options?: StreamOptions;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop?: string | string[];
  [key: string]: unknown;
}

export interface CompletionChoice {
  index: number;
  text: string;
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface CompletionResponse {
  id?: string;
  object: 'text_completion';
  created?: number;
  model?: string;
  choices: CompletionChoice[];
  usage?: Usage;
  [key: string]: unknown;
}

/** OpenAI streams completions as repeated `text_completion` objects. */
export type CompletionChunk = CompletionResponse;

// ---------- embeddings ----------

export interface EmbeddingsRequest {
  model?: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  [key: string]: unknown;
}

export interface Embedding {
  object: 'embedding';
  index: number;
  embedding: number[] | string;
}

export interface EmbeddingsResponse {
  object: 'list';
  data: Embedding[];
  model?: string;
  usage?: { prompt_tokens: number; total_tokens: number; [key: string]: unknown };
  [key: string]: unknown;
}

// ---------- unions and errors ----------

export type CanonicalRequest = ChatRequest | CompletionRequest | EmbeddingsRequest;
export type CanonicalResponse = ChatResponse | CompletionResponse | EmbeddingsResponse;
export type CanonicalChunk = ChatChunk | CompletionChunk;

/** Kong's gateway-generated AI error body: `{"error":{"message": ...}}` (no request id). */
export interface ErrorBody {
  error: { message: string; [key: string]: unknown };
}

export function errorBody(message: string): ErrorBody {
  return { error: { message } };
}
