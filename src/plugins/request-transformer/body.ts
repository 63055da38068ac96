// Body edits of request-transformer (kong/plugins/request-transformer/access.lua
// transform_body): JSON objects, urlencoded forms and multipart forms; other content types and
// undecodable bodies are left as they are. JSON values are written as strings, as in Kong.
import { parseForm } from '../../pdk/index.ts';
import { multipartBoundary, parseMultipart, serializeMultipart, textPart, type MultipartPart } from './multipart.ts';
import { applyOperations, type Bag, type Operations } from './operations.ts';
import type { TemplateEnvironment } from './template.ts';

const same = (name: string): string => name;

function transformJson(raw: Buffer, operations: Operations, environment: TemplateEnvironment): Buffer | null {
  let parsed: unknown = {};
  if (raw.length > 0) {
    try {
      parsed = JSON.parse(raw.toString());
    } catch {
      return null;
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const bag: Bag = new Map(Object.entries(parsed));
  applyOperations(bag, operations, environment, { key: same });
  return Buffer.from(JSON.stringify(Object.fromEntries(bag)));
}

function transformForm(raw: Buffer, operations: Operations, environment: TemplateEnvironment): Buffer {
  const bag: Bag = new Map(Object.entries(parseForm(raw.toString(), 1000)));
  applyOperations(bag, operations, environment, { key: same });
  const form = new URLSearchParams();
  for (const [name, value] of bag) for (const item of Array.isArray(value) ? value : [value]) form.append(name, String(item));
  return Buffer.from(form.toString());
}

function transformMultipart(raw: Buffer, boundary: string, operations: Operations, environment: TemplateEnvironment): Buffer | null {
  const parts = parseMultipart(raw, boundary);
  if (parts === null) return null;
  const originals = new Map<string, MultipartPart[]>();
  const bag: Bag = new Map();
  for (const part of parts) {
    originals.set(part.name, [...(originals.get(part.name) ?? []), part]);
    const text = part.content.toString();
    const current = bag.get(part.name);
    bag.set(part.name, current === undefined ? text : [...(Array.isArray(current) ? current : [current]), text]);
  }
  const before = new Map(bag);
  applyOperations(bag, operations, environment, { key: same });
  const out: MultipartPart[] = [];
  for (const [name, value] of bag) {
    // Untouched fields keep their original parts (file names, content types, bytes).
    if (before.get(name) === value && originals.has(name)) { out.push(...originals.get(name)!); continue; }
    for (const item of Array.isArray(value) ? value : [value]) out.push(textPart(name, String(item)));
  }
  return serializeMultipart(out, boundary);
}

/**
 * The new body, or null to leave it unchanged.
 * @example
 * const body = transformBody(raw, contentType, operations, environment);
 */
export function transformBody(raw: Buffer, contentType: string, operations: Operations, environment: TemplateEnvironment): Buffer | null {
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  if (mime === 'application/json' || mime.endsWith('+json')) return transformJson(raw, operations, environment);
  if (mime === 'application/x-www-form-urlencoded') return transformForm(raw, operations, environment);
  if (mime === 'multipart/form-data') {
    const boundary = multipartBoundary(contentType);
    return boundary === null ? null : transformMultipart(raw, boundary, operations, environment);
  }
  return null;
}
