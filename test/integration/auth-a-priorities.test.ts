// The part-A plugins are in the ONE bundled list, live in folders named after them, and carry
// Kong's PRIORITY and VERSION (kong-plugins.md §0.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KONG_VERSION } from '../../src/core/version.ts';
import { bundledPlugins } from '../../src/plugins/index.ts';

const KONG_PRIORITIES: Record<string, number> = {
  'bot-detection': 2500,
  cors: 2000,
  'key-auth': 1250,
  'basic-auth': 1100,
  'ip-restriction': 990,
  'request-size-limiting': 951,
  acl: 950,
  'request-termination': 2,
};

test("part-A plugins: bundled, in their own folder, with Kong's priority and version", () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/plugins');
  for (const [name, priority] of Object.entries(KONG_PRIORITIES)) {
    const plugin = bundledPlugins.find((candidate) => candidate.name === name);
    assert.ok(plugin, `${name} is in the bundled list`);
    assert.equal(plugin.priority, priority, name);
    assert.equal(plugin.version, KONG_VERSION, name);
    assert.ok(existsSync(join(root, name, 'handler.ts')), `${name}/handler.ts`);
    assert.ok(existsSync(join(root, name, 'schema.ts')), `${name}/schema.ts`);
  }
  assert.equal(new Set(bundledPlugins.map((plugin) => plugin.name)).size, bundledPlugins.length, 'no plugin listed twice');
});
