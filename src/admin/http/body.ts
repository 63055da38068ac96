// Request body reading and decoding for the Admin API (Kong's `api_helpers.before_filter` and
// `kong/api/arguments.lua`): JSON, urlencoded and multipart forms, plus YAML for /config.
import type { IncomingMessage } from 'node:http';
import { AdminHttpError } from './errors.ts';
import { decodeArgs, FORBIDDEN_KEYS, MAX_ARGS } from './args.ts';

export type BodyKind = 'none' | 'json' | 'form' | 'multipart' | 'yaml';

export interface ParsedBody {
  kind: BodyKind;
  /** Decoded arguments: the JSON object as sent, or nested form fields (string values). */
  args: Record<string, unknown>;
  /** The body as text (JSON and YAML), for endpoints that hash or re-parse it (/config). */
  text: string;
}

/** lua-cjson's default `decode_max_depth`: deeper documents are a parse error in Kong. */
const MAX_JSON_DEPTH = 1000;
const EMPTY: ParsedBody = { kind: 'none', args: {}, text: '' };
// ignoreBOM keeps a leading BOM in the text so JSON.parse rejects it, as lua-cjson does.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads the whole body, answering 413 as soon as it exceeds `limit` bytes (0 = unlimited). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (limit > 0 && Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new AdminHttpError(413, { message: 'Payload too large' });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (limit > 0 && total > limit) {
        req.resume();
        throw new AdminHttpError(413, { message: 'Payload too large' });
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof AdminHttpError) throw error;
    // The client went away or sent a broken body: nothing useful can be answered.
    throw new AdminHttpError(400, { message: 'Bad request' });
  }
  return Buffer.concat(chunks, total);
}

function cannotParse(): AdminHttpError {
  return new AdminHttpError(400, { message: 'Cannot parse JSON body' });
}

/**
 * Walks a parsed JSON value without recursion: rejects nesting deeper than cjson allows and keys
 * that could pollute prototypes once the object is merged elsewhere (spec S&R §2.18).
 */
function checkJsonShape(root: unknown): void {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) throw cannotParse();
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1]);
    } else {
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) throw cannotParse();
        stack.push([(value as Record<string, unknown>)[key], depth + 1]);
      }
    }
  }
}

/** Duplicate keys: the last one wins, exactly as lua-cjson decodes them (S&R D1 policy). */
export function parseJsonText(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw cannotParse();
  }
  checkJsonShape(parsed);
  return parsed;
}

function decodeUtf8(raw: Buffer): string {
  try {
    return utf8.decode(raw);
  } catch {
    throw cannotParse();
  }
}

/** Returns the single Content-Type of the request; two of them are ambiguous → 400. */
export function contentTypeOf(req: IncomingMessage): string | undefined {
  const all = req.headersDistinct['content-type'];
  if (all && all.length > 1) throw new AdminHttpError(400, { message: 'Bad request' });
  return all?.[0]?.toLowerCase();
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new AdminHttpError(400, { message: 'Bad request' });
  }
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of form) {
    if (pairs.length >= MAX_ARGS) throw new AdminHttpError(400, { message: 'Too many arguments' });
    // File parts (`-F config=@kong.yml`) contribute their content, as Kong's multipart reader.
    pairs.push([key, typeof value === 'string' ? value : await value.text()]);
  }
  return decodeArgs(pairs, true);
}

/**
 * Classifies and decodes the body of a POST/PUT/PATCH. `acceptYaml` is set for /config, the
 * only endpoint that takes `application/yaml` / `text/yaml`. Anything else is a bare 415.
 */
export async function parseBody(req: IncomingMessage, raw: Buffer, acceptYaml: boolean): Promise<ParsedBody> {
  const contentType = contentTypeOf(req);
  if (contentType === undefined) {
    if (raw.length === 0) return EMPTY;
    throw new AdminHttpError(415);
  }
  if (contentType.startsWith('application/json')) {
    if (raw.length === 0) return { ...EMPTY, kind: 'json' };
    const text = decodeUtf8(raw);
    const parsed = parseJsonText(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw cannotParse();
    return { kind: 'json', args: parsed as Record<string, unknown>, text };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    return { kind: 'form', args: decodeArgs(new URLSearchParams(raw.toString('utf8')), true), text: '' };
  }
  if (contentType.startsWith('multipart/form-data')) {
    return { kind: 'multipart', args: await parseMultipart(raw, contentType), text: '' };
  }
  if (acceptYaml && (contentType.startsWith('application/yaml') || contentType.startsWith('text/yaml'))) {
    return { kind: 'yaml', args: {}, text: raw.toString('utf8') };
  }
  throw new AdminHttpError(415);
}
