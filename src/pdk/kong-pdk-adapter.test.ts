import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromKongPdkModule, isKongPdkModule } from './kong-pdk-adapter.ts';
import type { Pdk } from './pdk.ts';
import { testPdk } from './test-context.ts';

test('a kong-pdk module becomes a definition: schema converted, one Plugin instance per config', async () => {
  const instances: unknown[] = [];
  class Plugin {
    config: Record<string, unknown>;
    constructor(config: Record<string, unknown>) { this.config = config; instances.push(this); }
    async access(kong: Pdk): Promise<void> {
      const header = await kong.request.getHeader('x-in');
      await kong.response.setHeader('X-Out', `${String(this.config.prefix)}${String(header)}`);
    }
  }
  const module = { Plugin, Schema: [{ prefix: { type: 'string' } }, { nested: { type: 'record', fields: [{ n: { type: 'integer' } }] } }], Version: '1.2.3', Priority: 42 };
  assert.equal(isKongPdkModule(module), true);
  assert.equal(isKongPdkModule({ Plugin: 'nope' }), false);
  const definition = fromKongPdkModule('pdk-demo', module);
  assert.deepEqual([definition.name, definition.version, definition.priority], ['pdk-demo', '1.2.3', 42]);
  assert.deepEqual(definition.schema.config.fields, { prefix: { type: 'string' }, nested: { type: 'record', fields: { n: { type: 'integer' } } } });
  assert.equal(definition.header_filter, undefined);
  const instance = definition.prepare!({ prefix: '>' }, undefined as never);
  assert.equal(instances.length, 1);
  const { kong } = testPdk({ headers: { 'x-in': 'v' } });
  await definition.access!(kong, instance);
  assert.equal(kong.response.get_header('x-out'), '>v');
});

test('kong-pdk calls return promises and PDK failures reject like the RPC bridge', async () => {
  let seen: unknown;
  class Plugin {
    access(kong: Pdk): Promise<void> {
      const pending = kong.request.getMethod() as unknown as Promise<string>;
      return pending.then((method) => { seen = method; return kong.service.request.setPath('no-slash') as unknown as Promise<void>; });
    }
  }
  const definition = fromKongPdkModule('pdk-fail', { Plugin });
  const { kong } = testPdk({ method: 'PATCH' });
  await assert.rejects(Promise.resolve(definition.access!(kong, definition.prepare!({}, undefined as never))), {
    message: 'PDK method kong.service.request.setPath failed: path must start with /',
  });
  assert.equal(seen, 'PATCH');
  assert.throws(() => fromKongPdkModule('bad', { Plugin, Schema: [{ x: { nope: 1 } }] }), /bad\.x: a field needs a type/);
});
