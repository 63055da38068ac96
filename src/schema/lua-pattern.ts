// Kong's schemas use Lua patterns (`match`, `match_none`, …). Only schema authors write them,
// never API users, so translating the small Lua dialect to a JS RegExp once is safe.
// Supported: anchors, `.`, `%a %c %d %g %l %p %s %u %w %x` (and upper-case negations),
// `%` escapes, `[...]` classes, and the quantifiers `* + - ?`.

const CLASS_MAP: Record<string, string> = {
  a: 'A-Za-z', c: '\\x00-\\x1f\\x7f', d: '0-9', g: '!-~', l: 'a-z',
  p: '!-/:-@\\[-`{-~', s: '\\t-\\r ', u: 'A-Z', w: '0-9A-Za-z', x: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp>();

function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

function classFor(letter: string, insideSet: boolean): string {
  const body = CLASS_MAP[letter.toLowerCase()];
  if (body === undefined) return escapeChar(letter);
  const negated = letter !== letter.toLowerCase();
  if (insideSet) {
    if (negated) throw new Error(`unsupported negated class %${letter} inside a set`);
    return body;
  }
  return negated ? `[^${body}]` : `[${body}]`;
}

export function luaPatternToRegExp(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '%') {
      out += classFor(pattern[i + 1] ?? '%', false);
      i += 2;
    } else if (c === '[') {
      let j = i + 1;
      let set = '[';
      if (pattern[j] === '^') { set += '^'; j++; }
      let first = true;
      while (j < pattern.length && (pattern[j] !== ']' || first)) {
        const d = pattern[j]!;
        if (d === '%') { set += classFor(pattern[j + 1] ?? '%', true); j += 2; }
        else if (d === '-' && !first && pattern[j + 1] !== ']') { set += '-'; j++; }
        else { set += escapeChar(d); j++; }
        first = false;
      }
      out += `${set}]`;
      i = j + 1;
    } else if (c === '-') {
      out += '*?';
      i++;
    } else if (c === '*' || c === '+' || c === '?') {
      out += c;
      i++;
    } else if (c === '^' && i === 0) {
      out += '^';
      i++;
    } else if (c === '$' && i === pattern.length - 1) {
      out += '$';
      i++;
    } else if (c === '.') {
      out += '[\\s\\S]';
      i++;
    } else {
      out += escapeChar(c);
      i++;
    }
  }
  const re = new RegExp(out);
  cache.set(pattern, re);
  return re;
}

/** Lua's `string.match(value, pattern) ~= nil`. */
export function luaMatches(value: string, pattern: string): boolean {
  return luaPatternToRegExp(pattern).test(value);
}
