// google.api.http path templates (google/api/http.proto): literal segments, `{field}` (one
// segment), `{field=*}`, `{field=**}` (the rest, slashes included) and `{field=a/*/b}` (a
// sub-template whose matched text becomes the field's value). Compiled once to an anchored regex.

export interface PathTemplate {
  /** The template as written in the .proto. */
  source: string;
  regex: RegExp;
  /** Dotted field paths, in capture-group order. */
  fields: string[];
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A sub-template (`*`, `**`, `a/*`) as a regex fragment without groups. */
function segmentsPattern(pattern: string): string {
  return pattern.split('/').map((segment) => {
    if (segment === '**') return '.+';
    if (segment === '*') return '[^/]+';
    return escapeLiteral(segment);
  }).join('/');
}

export function compilePathTemplate(source: string): PathTemplate {
  const fields: string[] = [];
  let pattern = '';
  let index = 0;
  while (index < source.length) {
    const open = source.indexOf('{', index);
    if (open === -1) { pattern += segmentsPattern(source.slice(index)); break; }
    pattern += segmentsPattern(source.slice(index, open));
    const close = source.indexOf('}', open);
    if (close === -1) throw new Error(`invalid path template ${JSON.stringify(source)}`);
    const body = source.slice(open + 1, close);
    const equals = body.indexOf('=');
    fields.push(equals === -1 ? body.trim() : body.slice(0, equals).trim());
    pattern += `(${equals === -1 ? '[^/]+' : segmentsPattern(body.slice(equals + 1).trim())})`;
    index = close + 1;
  }
  // A trailing `:verb` is part of the last literal and already escaped above.
  return { source, regex: new RegExp(`^${pattern}$`), fields };
}

/** Field path → value for a matching path (values percent-decoded), or null. */
export function matchPathTemplate(template: PathTemplate, path: string): Map<string, string> | null {
  const match = template.regex.exec(path);
  if (match === null) return null;
  const values = new Map<string, string>();
  template.fields.forEach((field, position) => {
    const raw = match[position + 1]!;
    let value = raw;
    try { value = decodeURIComponent(raw); } catch { /* keep the raw text of a bad escape */ }
    values.set(field, value);
  });
  return values;
}
