// Templated model options (Kong's shared.merge_model_options): any string under `model` (the
// name or any option, recursively) may hold `$(<source>.<key>)`, resolved per request from the
// route's named URI captures, a request header or a query argument. Kong replaces the whole value
// with the resolved one; Portico substitutes the expression in place, which is identical for the
// documented form (a value that is only the expression) and keeps any surrounding text.

import type { LlmModelConf } from './conf.ts';
import type { HeaderBag, Translation } from './providers/types.ts';

export interface TemplateSources {
  uri_captures?: Record<string, string | undefined>;
  headers?: HeaderBag;
  query_params?: Record<string, string | string[] | undefined>;
}

const EXPRESSION = /\$\((.*?)\)/;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function lookup(sources: TemplateSources, source: string, key: string): Translation<string | undefined> {
  switch (source) {
    case 'uri_captures':
      return { ok: true, value: sources.uri_captures?.[key] };
    case 'headers':
      return { ok: true, value: first(sources.headers?.[key.toLowerCase()]) };
    case 'query_params':
      return { ok: true, value: first(sources.query_params?.[key]) };
    default:
      return { ok: false, message: `source '${source}' is not supported` };
  }
}

function resolveString(value: string, sources: TemplateSources): Translation<string> {
  const match = EXPRESSION.exec(value);
  if (!match) return { ok: true, value };
  const parts = match[1]!.split('.');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    return { ok: false, message: `cannot parse expression for field '${value}'` };
  }
  const [source, key] = parts as [string, string];
  const found = lookup(sources, source, key);
  if (!found.ok) return found;
  if (found.value === undefined) return { ok: false, message: `${source} key ${key} was not provided` };
  return { ok: true, value: value.slice(0, match.index) + found.value + value.slice(match.index + match[0].length) };
}

function resolveValue(value: unknown, sources: TemplateSources): Translation<unknown> {
  if (typeof value === 'string') return resolveString(value, sources);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: true, value };
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const resolved = resolveValue(item, sources);
    if (!resolved.ok) return resolved;
    if (resolved.value !== item) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = resolved.value;
    }
  }
  return { ok: true, value: copy ?? value };
}

/** The per-request model conf; returns the same object when nothing is templated (no copy on the hot path). */
export function resolveModelTemplates(model: LlmModelConf, sources: TemplateSources): Translation<LlmModelConf> {
  const resolved = resolveValue(model, sources);
  return resolved.ok ? { ok: true, value: resolved.value as LlmModelConf } : resolved;
}
