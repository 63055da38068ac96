// Admin-configured regular expressions (route paths, header `~*` values, plugin patterns) run on
// RE2 (re2js): matching time is linear in the input, so no pattern can stall a worker (spec
// security-and-reliability §2.15, the `(a+)+$` class of ReDoS). Kong's traditional_compatible
// router hands path regexes to the Rust `regex` crate, which has the same feature set as RE2
// (no back-references, no look-around), so rejecting those here matches Kong's observable limits.
import { RE2JS } from 're2js';

export interface SafeRegexMatch {
  /** The whole matched text (capture 0). */
  match: string;
  /** Index in the input just past the match. */
  end: number;
  /** Positional captures 1..n; a group that did not participate is ''. */
  groups: string[];
  /** Named captures; a named group that did not participate is absent. */
  named: Record<string, string>;
}

export interface SafeRegex {
  readonly source: string;
  /** Number of capture groups, excluding the whole match. */
  readonly groupCount: number;
  /** Search the input; with `anchoredAtStart` the match must begin at index 0. */
  exec(input: string, anchoredAtStart: boolean): SafeRegexMatch | null;
  /** Whether the pattern matches anywhere in the input (no captures extracted: fastest path). */
  test(input: string): boolean;
  /** Whether the pattern matches at index 0 of the input. */
  testAnchored(input: string): boolean;
}

export interface SafeRegexOptions {
  caseInsensitive?: boolean;
}

/** Thrown for patterns the linear-time engine cannot (or must not) run. */
export class RegexSyntaxError extends Error {
  readonly pattern: string;
  constructor(pattern: string, message: string) {
    super(message);
    this.name = 'RegexSyntaxError';
    this.pattern = pattern;
  }
}

const CACHE_LIMIT = 2048;
const cache = new Map<string, SafeRegex>();

/**
 * Compile (or fetch from cache) a PCRE-flavoured pattern on the linear-time engine.
 * Throws RegexSyntaxError with a readable message; callers that mimic Kong wrap it as
 * `invalid regex: '<r>' (PCRE returned: <message>)`.
 */
export function compileSafeRegex(pattern: string, options?: SafeRegexOptions): SafeRegex {
  const caseInsensitive = options?.caseInsensitive === true;
  const key = (caseInsensitive ? 'i:' : 's:') + pattern;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;

  const unsupported = findUnsupportedConstruct(pattern);
  if (unsupported !== null) throw new RegexSyntaxError(pattern, unsupported);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(translatePcreSyntax(pattern), caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (error) {
    throw new RegexSyntaxError(pattern, error instanceof Error ? error.message : String(error));
  }
  const safe = wrap(pattern, compiled);
  if (cache.size >= CACHE_LIMIT) {
    // Drop the oldest insertion; configs are recompiled per version so churn is bounded.
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(key, safe);
  return safe;
}

/** Returns null when the pattern compiles on the safe engine, else the error message. */
export function validateSafeRegex(pattern: string, options?: SafeRegexOptions): string | null {
  try {
    compileSafeRegex(pattern, options);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Kong's ATC layer rewrites PCRE named groups `(?<name>` to the Rust/RE2 form `(?P<name>`. */
export function translatePcreSyntax(pattern: string): string {
  let out = '';
  let copied = 0;
  scanOutsideClasses(pattern, (index, escaped) => {
    if (escaped || !pattern.startsWith('(?<', index)) return null;
    const after = pattern[index + 3];
    if (after === '=' || after === '!') return null;
    out += pattern.slice(copied, index) + '(?P<';
    copied = index + 3;
    return null;
  });
  return out + pattern.slice(copied);
}

/** Detect PCRE features RE2 lacks, so admins get a clear message instead of a parser riddle. */
function findUnsupportedConstruct(pattern: string): string | null {
  return scanOutsideClasses(pattern, (index, escaped) => {
    const next = pattern[index + 1] ?? '';
    if (escaped) {
      if ((next >= '1' && next <= '9') || next === 'k' || next === 'g') {
        return `back-references are not supported: \`\\${next}\``;
      }
      return null;
    }
    if (pattern[index] !== '(' || next !== '?') return null;
    const rest = pattern.slice(index + 2, index + 4);
    if (rest.startsWith('=') || rest.startsWith('!')) return 'look-ahead assertions are not supported';
    if (rest === '<=' || rest === '<!') return 'look-behind assertions are not supported';
    if (rest.startsWith('>')) return 'atomic groups are not supported';
    if (rest.startsWith('R') || /^[0-9+-]/.test(rest)) return 'recursive patterns are not supported';
    return null;
  });
}

/**
 * Walk a pattern calling `visit` for every character outside bracket classes (`escaped` = it is
 * a backslash starting an escape). Stops at the first non-null answer and returns it.
 */
function scanOutsideClasses(
  pattern: string,
  visit: (index: number, escaped: boolean) => string | null,
): string | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      if (!inClass) {
        const answer = visit(i, true);
        if (answer !== null) return answer;
      }
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      // A `]` right after `[` or `[^` is a literal member, not the end of the class.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    const answer = visit(i, false);
    if (answer !== null) return answer;
  }
  return null;
}

function wrap(source: string, compiled: RE2JS): SafeRegex {
  const groupCount = compiled.groupCount();
  const namedIndex = compiled.namedGroups();
  const names = Object.keys(namedIndex);
  return {
    source,
    groupCount,
    exec(input: string, anchoredAtStart: boolean): SafeRegexMatch | null {
      const matcher = compiled.matcher(input);
      const found = anchoredAtStart ? matcher.lookingAt() : matcher.find();
      if (!found) return null;
      const groups: string[] = new Array<string>(groupCount);
      for (let g = 1; g <= groupCount; g++) groups[g - 1] = matcher.group(g) ?? '';
      const named: Record<string, string> = {};
      for (const name of names) {
        const value = matcher.group(namedIndex[name]);
        if (value !== null && value !== undefined) named[name] = value;
      }
      return { match: matcher.group(0) ?? '', end: matcher.end(0), groups, named };
    },
    test(input: string): boolean {
      return compiled.test(input);
    },
    testAnchored(input: string): boolean {
      return compiled.matcher(input).lookingAt();
    },
  };
}
