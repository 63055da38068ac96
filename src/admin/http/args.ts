// Decoding of query strings and form bodies into nested objects, following Kong's
// `kong/api/arguments_decoder.lua`: `a.b=1` and `a[b]=1` → {a:{b:"1"}}, `x[]=1&x[]=2`,
// `x[1]=1&x[2]=2` and repeated `x=1&x=2` → arrays. Values stay strings here; the schema-driven
// inference (infer.ts) turns them into booleans/numbers afterwards.
import { AdminHttpError } from './errors.ts';

/** Kong reads at most 1000 query/form arguments and answers 400 when more arrive. */
export const MAX_ARGS = 1000;

/** Nesting deeper than lua-cjson's default depth is not decoded (kept as a flat, unknown key). */
const MAX_KEY_DEPTH = 1000;

/** Keys that would reach Object.prototype if merged naively; never accepted from a client. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

type PathPart = { key: string } | { index: number } | { append: true };

/** Splits `a.b[c][1][]` into parts; `null` when the key is not in nested syntax. */
function parseKey(key: string, allowBracketNames: boolean): PathPart[] | null {
  const first = /^[^.[\]]+/.exec(key);
  if (!first) return null;
  const parts: PathPart[] = [{ key: first[0] }];
  let rest = key.slice(first[0].length);
  while (rest.length > 0) {
    let m: RegExpExecArray | null;
    if ((m = /^\.([^.[\]]+)/.exec(rest))) {
      parts.push({ key: m[1]! });
    } else if ((m = /^\[\]/.exec(rest))) {
      parts.push({ append: true });
    } else if ((m = /^\[(\d+)\]/.exec(rest))) {
      // Kong's indices are 1-based (Lua arrays); `x[0]` is treated like `x[1]`.
      parts.push({ index: Math.max(Number(m[1]) - 1, 0) });
    } else if ((m = /^\[([^.[\]]+)\]/.exec(rest))) {
      // Bracketed map keys are only decoded for bodies of POST/PUT/PATCH (Kong's decoder).
      if (!allowBracketNames) return null;
      parts.push({ key: m[1]! });
    } else {
      return null;
    }
    rest = rest.slice(m[0].length);
    if (parts.length > MAX_KEY_DEPTH) return null;
  }
  return parts;
}

type Container = Record<string, unknown> | unknown[];

function assertSafe(key: string): void {
  if (FORBIDDEN_KEYS.has(key)) throw new AdminHttpError(400, { message: `invalid argument name '${key}'` });
}

function setPart(container: Container, part: PathPart, value: unknown): void {
  if ('append' in part) (container as unknown[]).push(value);
  else if ('index' in part) (container as unknown[])[part.index] = value;
  else (container as Record<string, unknown>)[part.key] = value;
}

function getPart(container: Container, part: PathPart): unknown {
  if ('append' in part) return undefined;
  if ('index' in part) return (container as unknown[])[part.index];
  return Object.hasOwn(container, part.key) ? (container as Record<string, unknown>)[part.key] : undefined;
}

function insert(root: Record<string, unknown>, parts: PathPart[], value: string): void {
  let container: Container = root;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if ('key' in part) assertSafe(part.key);
    const last = i === parts.length - 1;
    const existing = getPart(container, part);
    if (last) {
      if (existing === undefined) setPart(container, part, value);
      else if (Array.isArray(existing)) existing.push(value);
      else if (typeof existing === 'string') setPart(container, part, [existing, value]);
      // A scalar arriving where an object already sits is dropped, as Kong's decoder does.
      return;
    }
    const next = parts[i + 1]!;
    const wantArray = !('key' in next);
    let child = existing;
    if (child === undefined || typeof child !== 'object' || child === null) {
      child = wantArray ? [] : {};
      setPart(container, part, child);
    } else if (Array.isArray(child) && !wantArray) {
      // `x[1]=a&x.b=c`: the array becomes an object keyed by Kong's 1-based positions.
      const asObject: Record<string, unknown> = {};
      child.forEach((v, idx) => { asObject[String(idx + 1)] = v; });
      child = asObject;
      setPart(container, part, child);
    }
    container = child as Container;
  }
}

/** Compacts sparse arrays left by `x[3]=…` without `x[1]`, so JSON never sees holes. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compact);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) obj[k] = compact(obj[k]);
  }
  return value;
}

/**
 * Decodes ordered key/value pairs into a nested object. `allowBracketNames` enables `a[b]`
 * map syntax (request bodies of POST/PUT/PATCH only).
 */
export function decodeArgs(pairs: Iterable<[string, string]>, allowBracketNames: boolean): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let count = 0;
  for (const [key, value] of pairs) {
    if (++count > MAX_ARGS) throw new AdminHttpError(400, { message: 'Too many arguments' });
    const parts = parseKey(key, allowBracketNames) ?? [{ key }];
    insert(root, parts, value);
  }
  return compact(root) as Record<string, unknown>;
}
