// Kong renders request-transformer values as Penlight templates, i.e. Lua code. Portico accepts
// the forms Kong's documentation uses — `$(headers.name)`, `$(headers["x-name"])`,
// `$(query_params.q)`, `$(uri_captures[1])`, `$(shared.key)`, and `a or b` fallbacks between such
// references and string literals — and evaluates them itself: nothing in a config is ever run as
// code. Anything else is refused when the config is validated.

/** The lazily-consulted tables a template may read. */
export interface TemplateEnvironment {
  headers(name: string): string | undefined;
  query_params(name: string): string | undefined;
  uri_captures(name: string): string | undefined;
  shared(name: string): string | undefined;
}

type Operand = { kind: 'literal'; value: string } | { kind: 'ref'; table: keyof TemplateEnvironment; name: string };
type Piece = string | Operand[];

/** A compiled template: literal text and `$( … )` alternatives. */
export interface CompiledTemplate {
  readonly pieces: readonly Piece[];
  readonly dynamic: boolean;
}

const TABLES = new Set(['headers', 'query_params', 'uri_captures', 'shared']);
const REFERENCE = /^([a-z_]+)\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*(?:"([^"]*)"|'([^']*)'|(\d+))\s*\])$/;
const LITERAL = /^(?:"([^"]*)"|'([^']*)')$/;

function operand(source: string): Operand {
  const text = source.trim();
  const literal = LITERAL.exec(text);
  if (literal) return { kind: 'literal', value: literal[1] ?? literal[2]! };
  const reference = REFERENCE.exec(text);
  if (reference && TABLES.has(reference[1]!)) {
    const name = reference[2] ?? reference[3] ?? reference[4] ?? reference[5]!;
    return { kind: 'ref', table: reference[1] as keyof TemplateEnvironment, name };
  }
  throw new Error(`unsupported template expression '${text}'`);
}

/** Splits `a or b or "c"` outside of quotes. */
function alternatives(expression: string): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let index = 0; index < expression.length; index++) {
    const char = expression[index]!;
    if (quote !== null) { if (char === quote) quote = null; continue; }
    if (char === '"' || char === "'") { quote = char; continue; }
    const separator = /^\s+or\s+/.exec(expression.slice(index));
    if (separator !== null) {
      parts.push(expression.slice(start, index));
      index += separator[0].length - 1;
      start = index + 1;
    }
  }
  parts.push(expression.slice(start));
  return parts;
}

/**
 * Compiles a value; throws with the reason when it uses anything but the supported forms.
 * @example
 * compileTemplate('Bearer $(headers.token or "none")');
 */
export function compileTemplate(source: string): CompiledTemplate {
  const pieces: Piece[] = [];
  let rest = source;
  let dynamic = false;
  for (;;) {
    const open = rest.indexOf('$(');
    if (open < 0) break;
    const close = rest.indexOf(')', open);
    if (close < 0) throw new Error(`unclosed template in '${source}'`);
    if (open > 0) pieces.push(rest.slice(0, open));
    pieces.push(alternatives(rest.slice(open + 2, close)).map(operand));
    dynamic = true;
    rest = rest.slice(close + 1);
  }
  if (rest !== '') pieces.push(rest);
  return { pieces, dynamic };
}

/**
 * Renders a compiled template; a missing reference (with no fallback) renders as nothing.
 * @example
 * renderTemplate(compileTemplate('$(query_params.q)'), environment);
 */
export function renderTemplate(template: CompiledTemplate, environment: TemplateEnvironment): string {
  let out = '';
  for (const piece of template.pieces) {
    if (typeof piece === 'string') { out += piece; continue; }
    for (const alternative of piece) {
      const value = alternative.kind === 'literal' ? alternative.value : environment[alternative.table](alternative.name);
      if (value !== undefined) { out += value; break; }
    }
  }
  return out;
}
