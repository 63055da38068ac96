// Custom plugins in a real gateway process: loaded by name from a plugin directory through the
// `plugins` setting (`bundled,my-plugin`), a kong-pdk style module run in-process, their schemas
// served by the Admin API and enforced on kong.yml (at start and by `config parse`).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const MY_PLUGIN = `
export const plugin = {
  name: 'my-plugin',
  version: '0.2.0',
  priority: 950,
  schema: { config: { type: 'record', fields: { greeting: { type: 'string', default: 'hi' } } } },
  access(kong, conf) {
    kong.service.request.set_header('X-Greeting', conf.greeting);
    kong.response.set_header('X-My-Plugin', conf.greeting);
  },
};
`;

function kongYml(upstreamPort: number, greeting: unknown): string {
  return [
    '_format_version: "3.0"',
    'services:',
    '- name: echo',
    `  url: http://127.0.0.1:${upstreamPort}`,
    '  routes:',
    '  - name: custom',
    '    paths: [/custom]',
    'plugins:',
    '- name: my-plugin',
    `  config: { greeting: ${JSON.stringify(greeting)} }`,
    '- name: kong-pdk-hello',
    '',
  ].join('\n');
}

describe('custom plugins in a gateway process', () => {
  let upstream: Upstream;
  let gateway: GatewayProcess;
  let pluginDirectory: string;
  let env: Record<string, string>;

  before(async () => {
    upstream = await startUpstream();
    pluginDirectory = mkdtempSync(join(tmpdir(), 'portico-custom-plugins-'));
    mkdirSync(join(pluginDirectory, 'my-plugin'));
    writeFileSync(join(pluginDirectory, 'my-plugin', 'index.mjs'), MY_PLUGIN);
    env = {
      KONG_PLUGINS: 'bundled,my-plugin,kong-pdk-hello',
      // Kong's lua_package_path form: the directory before each `?` is searched by plugin name.
      KONG_LUA_PACKAGE_PATH: `${pluginDirectory}/?.lua;${REPO}/examples/?/index.cjs;;`,
    };
    gateway = await startGatewayProcess({ kongYml: kongYml(upstream.port, 'hello'), env });
  });
  after(async () => {
    await gateway?.stop();
    await upstream.close();
    rmSync(pluginDirectory, { recursive: true, force: true });
  });

  it('runs the directory plugin and the kong-pdk plugin on proxied requests', async () => {
    const res = await fetch(`${gateway.proxyUrl}/custom/x`);
    assert.equal(res.status, 200);
    const seen = (await res.json() as { headers: Record<string, string> }).headers;
    assert.equal(seen['x-greeting'], 'hello');
    assert.equal(seen['x-hello'], `hello ${new URL(gateway.proxyUrl).host}`);
    assert.equal(res.headers.get('x-my-plugin'), 'hello');
    assert.equal(res.headers.get('x-hello-from-javascript'), `hello to ${new URL(gateway.proxyUrl).host}`);
  });

  it('lets the kong-pdk plugin short-circuit', async () => {
    const res = await fetch(`${gateway.proxyUrl}/custom/x`, { headers: { 'X-Deny': '1' } });
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), { message: 'denied' });
  });

  it('serves the custom schema and lists the plugins as available', async () => {
    const schema = await fetch(`${gateway.adminUrl}/schemas/plugins/my-plugin`);
    assert.equal(schema.status, 200);
    assert.match(await schema.text(), /"greeting"/);
    const root = await (await fetch(`${gateway.adminUrl}/`)).json() as { plugins: { available_on_server: Record<string, unknown> } };
    assert.deepEqual(root.plugins.available_on_server['my-plugin'], { version: '0.2.0', priority: 950 });
    assert.deepEqual(root.plugins.available_on_server['kong-pdk-hello'], { version: '0.1.0', priority: 0 });
    const unknown = await fetch(`${gateway.adminUrl}/schemas/plugins/not-loaded`);
    assert.equal(unknown.status, 404);
    await unknown.arrayBuffer();
  });

  it('validates custom plugin configs in kong.yml with the plugin schema (config parse)', () => {
    const file = join(pluginDirectory, 'bad.yml');
    writeFileSync(file, kongYml(upstream.port, 5));
    const run = (text: string): ReturnType<typeof spawnSync> => {
      writeFileSync(file, text);
      return spawnSync(process.execPath, [join(REPO, 'src/cli/index.ts'), 'config', 'parse', file], {
        env: { ...process.env, ...env, KONG_PREFIX: pluginDirectory }, encoding: 'utf8', timeout: 20_000,
      });
    };
    const bad = run(kongYml(upstream.port, 5));
    assert.equal(bad.status, 1, String(bad.stdout) + String(bad.stderr));
    assert.match(String(bad.stderr), /greeting/);
    const good = run(kongYml(upstream.port, 'hey'));
    assert.equal(good.status, 0, String(good.stderr));
    assert.match(String(good.stdout), /parse successful/);
  });
});
