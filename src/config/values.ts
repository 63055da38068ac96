// Typed readers for property values. Each takes the property name so that its error names it.
// Every reader is strict: Kong silently turns e.g. `pg_ssl = yes` into false; Portico refuses it
// rather than start with a setting the operator did not mean.
import { invalidValue } from './errors.ts';

export function parseBoolean(name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (lower === 'on' || lower === 'true') return true;
  if (lower === 'off' || lower === 'false') return false;
  throw invalidValue(name, `expected on, off, true or false, got '${value}'`);
}

/** A finite number (Kong's `tonumber`), e.g. `5`, `0.5`. */
export function parseNumber(name: string, value: string): number {
  const number = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(number)) throw invalidValue(name, `'${value}' is not a number`);
  return number;
}

/** An integer within [min, max]. */
export function parseInteger(name: string, value: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(value)) throw invalidValue(name, `'${value}' is not an integer`);
  const number = Number(value);
  if (number < min || number > max) {
    throw invalidValue(name, max === Number.MAX_SAFE_INTEGER
      ? `must be ${min} or greater, got ${value}`
      : `must be between ${min} and ${max}, got ${value}`);
  }
  return number;
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** An nginx size: bare bytes, or a `k`/`m`/`g` suffix (case-insensitive) — `8k` = 8192. */
export function parseSize(name: string, value: string): number {
  const match = /^(\d+)([kmg]?)$/i.exec(value);
  if (!match) throw invalidValue(name, `'${value}' is not a size (expected e.g. 512, 8k, 10m or 1g)`);
  return Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]!;
}

// nginx time units (ngx_parse_time): a bare number means seconds.
const TIME_UNITS: Record<string, number> = {
  ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000,
};

/** An nginx duration in milliseconds: `60`, `60s`, `500ms`, `1m30s`, `1h`. */
export function parseDuration(name: string, value: string): number {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const part = /(\d+)(ms|s|m|h|d|w|M|y)/g;
  let total = 0;
  let consumed = 0;
  for (const match of value.matchAll(part)) {
    if (match.index !== consumed) break;
    total += Number(match[1]) * TIME_UNITS[match[2]!]!;
    consumed += match[0].length;
  }
  if (consumed === 0 || consumed !== value.length) {
    throw invalidValue(name, `'${value}' is not a duration (expected e.g. 60s, 500ms, 1m30s)`);
  }
  return total;
}

/** A comma-separated list, items trimmed, empty items dropped. */
export function parseList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

export function parseEnum<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw invalidValue(name, `'${value}' is not one of ${allowed.join(', ')}`);
}
