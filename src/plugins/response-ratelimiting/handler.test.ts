import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { closeRedisConnections } from '../../pdk/redis.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { parseIncrements, plugin } from './handler.ts';

after(() => closeRedisConnections());
const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerPluginSchema(plugin.name, plugin.schema);
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'response-ratelimiting', config }, 'insert').config as Record<string, unknown>;

async function limited(config: Record<string, unknown>) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('response-ratelimiting', validate(config), { route: route.id })] });
  const clientIp = `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  const header = `tenant-${randomUUID()}`;
  return (cost?: string) => harness.request({ route, service, clientIp, headers: { 'x-id': header } }, {
    headers: cost === undefined ? {} : { 'x-kong-limit': cost }, body: 'ok',
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

test('costs reported by the upstream are counted; a used-up limit charged again is a bare 429', async () => {
  const send = await limited({ limits: { videos: { minute: 3 }, images: { minute: 10, hour: 20 } } });
  const first = await send('videos=2, images=1, unknown=5');
  assert.equal(first.status, 200);
  assert.equal(first.ctx.upstream.headers.get('x-ratelimit-remaining-videos'), '3');
  assert.equal(first.headers['x-ratelimit-limit-videos-minute'], '3');
  assert.equal(first.headers['x-ratelimit-remaining-videos-minute'], '1');
  assert.equal(first.headers['x-ratelimit-remaining-images-hour'], '19');
  assert.equal(first.headers['x-kong-limit'], undefined, 'the upstream header is not passed on');
  await settle();
  const second = await send('videos=1');
  assert.equal(second.ctx.upstream.headers.get('x-ratelimit-remaining-videos'), '1');
  assert.equal(second.headers['x-ratelimit-remaining-videos-minute'], '0');
  assert.equal(second.status, 200);
  await settle();
  const third = await send('videos=1');
  assert.equal(third.proxied, true, 'the upstream was called: blocking happens on the response');
  assert.equal(third.status, 429);
  assert.equal(third.body, '');
  await settle();
  assert.equal((await send('images=1')).status, 200, 'a response that does not charge videos passes');
});

test('block_on_first_violation stops in access with Kong\'s message', async () => {
  const send = await limited({ limits: { videos: { minute: 1 } }, block_on_first_violation: true });
  assert.equal((await send('videos=1')).status, 200);
  await settle();
  const blocked = await send('videos=1');
  assert.equal(blocked.proxied, false);
  assert.equal(blocked.status, 429);
  assert.equal(JSON.parse(blocked.body).message, "API rate limit exceeded for 'videos'");
});

test('redis policy counts across harnesses through the same Redis', async () => {
  const send = await limited({ limits: { videos: { hour: 2 } }, policy: 'redis', redis: { host: '127.0.0.1', timeout: 500 } });
  assert.equal((await send('videos=2')).headers['x-ratelimit-remaining-videos-hour'], '0');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const next = await send('videos=1');
  assert.equal(next.ctx.upstream.headers.get('x-ratelimit-remaining-videos'), '0');
  assert.equal(next.status, 429);
});

test('schema: limits required with at least one period each; parseIncrements ignores junk', () => {
  assert.throws(() => validate({}), /limits/);
  assert.throws(() => validate({ limits: { a: {} } }), /at least one of these fields must be non-empty/);
  assert.throws(() => validate({ limits: { a: { second: 5, minute: 1 } } }), /the limit for minute\(1.0\) cannot be lower than the limit for second\(5.0\)/);
  assert.deepEqual([...parseIncrements('a=1,b=x, c = 2 ,d', new Set(['a', 'b', 'c', 'd']))], [['a', 1], ['c', 2]]);
  const conf = validate({ limits: { a: { minute: 1 } } });
  assert.equal(conf.header_name, 'x-kong-limit');
  assert.equal(conf.block_on_first_violation, false);
});
