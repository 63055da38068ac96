import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminRouter } from './router.ts';

function routerWith(...templates: string[]): AdminRouter<string> {
  const router = new AdminRouter<string>();
  for (const t of templates) router.add('GET', t, t);
  return router;
}

test('literal segments win over parameters position by position', () => {
  const router = routerWith('/plugins/{plugins}', '/plugins/enabled', '/upstreams/{upstreams}/targets/{targets}', '/upstreams/{upstreams}/targets/all');
  assert.equal(router.match('/plugins/enabled')?.template, '/plugins/enabled');
  assert.equal(router.match('/plugins/abc')?.template, '/plugins/{plugins}');
  assert.equal(router.match('/upstreams/u/targets/all')?.template, '/upstreams/{upstreams}/targets/all');
  assert.deepEqual(router.match('/upstreams/u/targets/t:80')?.params, { upstreams: 'u', targets: 't:80' });
});

test('params are URL-decoded; malformed escapes stay literal', () => {
  const router = routerWith('/services/{services}');
  assert.equal(router.match('/services/a%2Fb')?.params.services, 'a/b');
  assert.equal(router.match('/services/%61pi')?.params.services, 'api');
  assert.equal(router.match('/services/%E0%A4%A')?.params.services, '%E0%A4%A');
});

test('a trailing slash is tolerated, empty segments and unknown paths do not match', () => {
  const router = routerWith('/', '/services', '/services/{services}');
  assert.equal(router.match('/services/')?.template, '/services');
  assert.equal(router.match('/')?.template, '/');
  assert.equal(router.match('/services//'), null);
  assert.equal(router.match('/nope'), null);
  assert.equal(router.match('/services/a/b'), null);
});

test('remove() drops a template and templates() lists what is registered', () => {
  const router = routerWith('/snis/{snis}/certificate', '/snis');
  router.remove('/snis/{snis}/certificate');
  assert.equal(router.match('/snis/x/certificate'), null);
  assert.deepEqual(router.templates(), ['/snis']);
});
