// Turning kong.yml / JSON text into a plain object, and the config hash Kong reports
// (kong/db/declarative/init.lua parse_string: MD5 of the raw text; a posted JSON table hashes
// its JSON encoding; an empty configuration hashes to 32 zeros).
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';

export const EMPTY_CONFIG_HASH = '0'.repeat(32);

/** YAML aliases are expanded in place, so a few nested ones can multiply a small file ("billion laughs"). */
const MAX_ALIASES = 100;

const YAML_OPTIONS = { maxAliasCount: MAX_ALIASES, prettyErrors: false, uniqueKeys: false, merge: true } as const;

export class DeclarativeParseError extends Error {}

function looksLikeJson(text: string): boolean {
  return /^\s*\{/.test(text);
}

/** JSON text takes the native parser (many times faster on big configs); YAML reports the error otherwise. */
function parseJsonOrYaml(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return parseYaml(text, YAML_OPTIONS);
  }
}

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * YAML is a superset of JSON, so one parser serves both; failures carry Kong's prefix. Repeated
 * keys are allowed (the last one wins), as with the libyaml-based parser Kong uses.
 */
export function parseDeclarativeText(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = looksLikeJson(text) ? parseJsonOrYaml(text) : parseYaml(text, YAML_OPTIONS);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new DeclarativeParseError(`failed parsing declarative configuration: ${reason}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DeclarativeParseError('failed parsing declarative configuration: expected an object');
  }
  return parsed as Record<string, unknown>;
}
