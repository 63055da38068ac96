// Kong's templater (kong/plugins/ai-prompt-template/templater.lua): property values are
// JSON-string-escaped (cjson also escapes `/`) so they are safe inside the template's JSON
// strings, then every `{{name}}` is replaced; placeholders left over are reported in order.

export type RenderResult = { ok: true; body: string } | { ok: false; message: string };

const PLACEHOLDER = /\{\{([A-Za-z0-9_]+)\}\}/g;

/** cjson's string escaping without the surrounding quotes. */
export function escapeJsonString(value: string): string {
  return JSON.stringify(value).slice(1, -1).replace(/\//g, '\\/');
}

function typeName(value: unknown): string {
  if (value === null) return 'nil';
  if (Array.isArray(value) || typeof value === 'object') return 'table';
  return typeof value;
}

export function renderTemplate(template: string, properties: unknown): RenderResult {
  const given = properties ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) return { ok: false, message: 'properties must be an object' };
  const escaped = new Map<string, string>();
  for (const [name, value] of Object.entries(given as Record<string, unknown>)) {
    if (typeof value !== 'string') return { ok: false, message: `property values must be a string, got ${typeName(value)}` };
    escaped.set(name, escapeJsonString(value));
  }
  const missing: string[] = [];
  const body = template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = escaped.get(name);
    if (value !== undefined) return value;
    if (!missing.includes(name)) missing.push(name);
    return whole;
  });
  if (missing.length > 0) return { ok: false, message: `missing template parameters: ${missing.map((name) => `[${name}]`).join(', ')}` };
  return { ok: true, body };
}

/** `{template://name}` (single braces, the whole string) → name; anything else → undefined. */
export function templateReference(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('{template://') || !value.endsWith('}')) return undefined;
  return value.slice('{template://'.length, -1);
}
