// Enforces ARCHITECTURE.md's import table: imports point down only. Every relative import in
// src/ is resolved to its layer and checked against what that layer may import. Type-only imports
// of src/entities/ are allowed everywhere but core: entity shapes are the shared vocabulary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

const ALLOWED: Record<string, { value: string[]; typeOnly?: string[] }> = {
  core: { value: [] },
  schema: { value: ['core'] },
  config: { value: ['core', 'schema'] },
  entities: { value: ['core', 'schema'] },
  llm: { value: ['core', 'schema'] },
  router: { value: ['core'] },
  store: { value: ['core', 'schema', 'entities'] },
  pdk: { value: ['core', 'schema'], typeOnly: ['router'] },
  pipeline: { value: ['core', 'pdk', 'router', 'store', 'entities'] },
  plugins: { value: ['core', 'schema', 'pdk', 'llm'] },
  proxy: { value: ['core', 'config', 'pdk', 'pipeline', 'router', 'store'] },
  admin: { value: ['core', 'config', 'schema', 'entities', 'store', 'pipeline'] },
};
/** Composition roots may import anything. */
const ROOTS = new Set(['cli', 'runtime', 'main.ts']);

function layerOf(root: string, file: string): string {
  return relative(root, file).split(sep)[0]!;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) yield full;
  }
}

const IMPORT_RE = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]/gm;

function violations(root: string): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(root)) {
    const from = layerOf(root, file);
    if (ROOTS.has(from)) continue;
    const rules = ALLOWED[from];
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT_RE)) {
      const spec = match[3] ?? match[4]!;
      const typeOnly = Boolean(match[2]);
      const target = resolve(dirname(file), spec);
      const to = layerOf(root, target);
      if (to === from) {
        // A plugin may import only its own folder among plugins.
        if (from === 'plugins') {
          const own = relative(root, file).split(sep)[1];
          const other = relative(root, target).split(sep)[1];
          // src/plugins/index.ts is the one list of bundled plugins: it imports them all.
          if (own !== 'index.ts' && own !== other && other !== 'index.ts') found.push(`${relative(root, file)} imports another plugin: ${spec}`);
        }
        continue;
      }
      if (!rules) { found.push(`${relative(root, file)}: layer '${from}' is not in the import table`); continue; }
      const ok = rules.value.includes(to) || (typeOnly && (rules.typeOnly?.includes(to) || (to === 'entities' && from !== 'core')));
      if (!ok) found.push(`${relative(root, file)} (${from}) may not import ${spec} (${to})`);
    }
  }
  return found;
}

test('every import in src/ follows the layer table of ARCHITECTURE.md', () => {
  assert.deepEqual(violations(SRC), []);
});

test('the checker catches upward imports, cross-plugin imports and value imports of types-only layers', () => {
  const root = mkdtempSync(join(tmpdir(), 'portico-arch-'));
  const put = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  try {
    put('router/a.ts', "import { x } from '../proxy/b.ts';\n");
    put('core/c.ts', "import type { Service } from '../entities/types.ts';\n");
    put('plugins/key-auth/handler.ts', "import { y } from '../acl/handler.ts';\n");
    put('pdk/d.ts', "import { compileRouter } from '../router/index.ts';\nimport type { Router } from '../router/types.ts';\n");
    put('cli/e.ts', "import { z } from '../proxy/server.ts';\n");
    put('admin/f.ts', "export { w } from '../proxy/x.ts';\n");
    const found = violations(root);
    assert.equal(found.length, 5, found.join('\n'));
    assert.ok(found.some((line) => line.startsWith('router/a.ts')));
    assert.ok(found.some((line) => line.startsWith('core/c.ts')));
    assert.ok(found.some((line) => line.includes('imports another plugin')));
    assert.ok(found.some((line) => line.startsWith('pdk/d.ts') && line.includes('router/index.ts')));
    assert.ok(found.some((line) => line.startsWith('admin/f.ts')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
