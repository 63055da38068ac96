// Reader for the kong.conf format: `name = value` lines, `#` comment lines, trailing comments
// (`\#` keeps a literal octothorpe), and `\` line continuations, as Kong's conf_loader reads it
// through Penlight's pl.config with `smart = false`. Quotes are NOT stripped: Kong keeps them as
// part of the value, so `pg_password = "x"` means the three-character-longer string.
import { readFileSync } from 'node:fs';
import { SettingsError } from './errors.ts';

export interface ConfEntry {
  name: string;
  /** The value with comments removed and whitespace trimmed; '' when the line had none. */
  value: string;
  line: number;
}

const NAME_RE = /^[A-Za-z0-9_]+$/;
// A `#` not preceded by a backslash starts a comment, along with the whitespace before it.
const TRAILING_COMMENT_RE = /\s*(?<!\\)#.*$/;

/** Removes a trailing comment and unescapes `\#`, exactly what Kong applies to every value. */
export function stripComment(value: string): string {
  return value.replace(TRAILING_COMMENT_RE, '').replaceAll('\\#', '#').trim();
}

/** Parses kong.conf text; `source` names the file in error messages. Later lines win. */
export function parseConfText(text: string, source: string): ConfEntry[] {
  const entries: ConfEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    let line = lines[index]!;
    // Penlight joins a line ending in a backslash with the next one.
    while (line.endsWith('\\') && index + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++index]!.trimStart();
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) {
      throw new SettingsError(`malformed line ${lineNumber} in ${source}: expected 'name = value', got '${trimmed}'`);
    }
    const name = trimmed.slice(0, eq).trim();
    if (!NAME_RE.test(name)) {
      throw new SettingsError(`malformed line ${lineNumber} in ${source}: invalid property name '${name}'`);
    }
    entries.push({ name: name.toLowerCase(), value: stripComment(trimmed.slice(eq + 1)), line: lineNumber });
  }
  return entries;
}

/** Reads and parses a conf file; a missing file is Kong's `no file at: <path>`. */
export function readConfFile(path: string): ConfEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SettingsError(`no file at: ${path}`);
    throw new SettingsError(`could not read ${path}: ${(err as Error).message}`);
  }
  return parseConfText(text, path);
}
