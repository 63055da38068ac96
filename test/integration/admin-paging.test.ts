// Pagination and tag filtering of list endpoints (spec kong-core §2.4), plus /tags.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call } from '../../src/admin/testing/harness.ts';
import type { Harness } from '../../src/admin/testing/harness.ts';
import type { EntitySet } from '../../src/entities/types.ts';

let admin: Harness;
const TOTAL = 250;

function uuidFor(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

before(async () => {
  const services = Array.from({ length: TOTAL }, (_, i) => ({
    id: uuidFor(i), created_at: 1, updated_at: 1, name: `svc-${i}`, retries: 5, protocol: 'http', host: 'h', port: 80,
    path: null, connect_timeout: 60000, write_timeout: 60000, read_timeout: 60000,
    // every service is `all`; even ones `even`; multiples of 3 `three`.
    tags: ['all', ...(i % 2 === 0 ? ['even'] : []), ...(i % 3 === 0 ? ['three'] : [])],
    client_certificate: null, tls_verify: null, tls_verify_depth: null, ca_certificates: null, enabled: true,
  }));
  const routes = [0, 1, 2].map((i) => ({
    id: uuidFor(1000 + i), created_at: 1, updated_at: 1, name: `r-${i}`, protocols: ['http'], methods: null, hosts: null,
    paths: [`/r${i}`], headers: null, snis: null, sources: null, destinations: null, https_redirect_status_code: 426,
    regex_priority: 0, strip_path: true, preserve_host: false, request_buffering: true, response_buffering: true,
    path_handling: 'v0', service: { id: uuidFor(0) }, tags: null,
  }));
  const initial = { services, routes, consumers: [], plugins: [], upstreams: [], targets: [], certificates: [], snis: [], ca_certificates: [] } as unknown as EntitySet;
  admin = await startHarness({ database: 'sqlite', initial });
});
after(() => admin.close());

const get = (path: string) => call(admin.url, 'GET', path);

test('walking 250 services with size=100 yields 100, 100, 50 in primary-key order', async () => {
  const seen: string[] = [];
  let path: string | null = '/services?size=100';
  const sizes: number[] = [];
  while (path !== null) {
    const res = await get(path);
    assert.equal(res.status, 200);
    sizes.push(res.body.data.length);
    seen.push(...res.body.data.map((s: { id: string }) => s.id));
    if (res.body.next !== null) {
      assert.equal(typeof res.body.offset, 'string');
      assert.equal(res.body.next, `/services?offset=${encodeURIComponent(res.body.offset)}&size=100`);
    } else {
      assert.equal(res.body.offset, undefined);
    }
    path = res.body.next;
  }
  assert.deepEqual(sizes, [100, 100, 50]);
  assert.deepEqual(seen, [...seen].sort());
  assert.equal(new Set(seen).size, TOTAL);
});

test('the default page size is 100', async () => {
  const res = await get('/services');
  assert.equal(res.body.data.length, 100);
  assert.equal(res.body.next, `/services?offset=${res.body.offset}`);
});

test('size and offset errors carry Kong codes 9 and 7', async () => {
  const nan = await get('/services?size=abc');
  assert.equal(nan.status, 400);
  assert.deepEqual(nan.body, { code: 9, name: 'invalid size', message: 'size must be a number' });
  assert.equal((await get('/services?size=0')).body.message, 'size must be an integer between 1 and 1000');
  assert.equal((await get('/services?size=1001')).body.message, 'size must be an integer between 1 and 1000');
  const offset = await get('/services?offset=%%%');
  assert.equal(offset.status, 400);
  assert.equal(offset.body.code, 7);
  assert.equal(offset.body.message, "'%%%' is not a valid offset: bad base64 encoding");
});

test('tags: AND with commas, OR with slashes, and the next link keeps the filter', async () => {
  const and = await get('/services?tags=even,three&size=1000');
  assert.equal(and.body.data.length, Math.ceil(TOTAL / 6));
  assert.ok(and.body.data.every((s: { tags: string[] }) => s.tags.includes('even') && s.tags.includes('three')));
  const or = await get('/services?tags=even/three&size=1000');
  const expectedOr = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => i % 2 === 0 || i % 3 === 0).length;
  assert.equal(or.body.data.length, expectedOr);
  const paged = await get('/services?tags=even&size=50');
  assert.equal(paged.body.next, `/services?offset=${paged.body.offset}&tags=even&size=50`);
  assert.deepEqual((await get('/services?tags=nope')).body, { data: [], next: null });
});

test('tag filter errors are invalid options (code 11)', async () => {
  const mixed = await get('/services?tags=a,b/c');
  assert.equal(mixed.status, 400);
  assert.deepEqual(mixed.body, { code: 11, name: 'invalid options', message: 'invalid option (tags: invalid filter syntax)', options: { tags: 'invalid filter syntax' } });
  assert.equal((await get('/services?tags=1,2,3,4,5,6')).body.message, 'invalid option (tags: cannot query more than 5 tags)');
  assert.equal((await get('/services?tags=')).body.message, 'invalid option (tags: cannot be null)');
});

test('nested lists build next without size or tags', async () => {
  const res = await get(`/services/svc-0/routes?size=2&tags=x`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.data, []);
  const all = await get('/services/svc-0/routes?size=2');
  assert.equal(all.body.data.length, 2);
  assert.equal(all.body.next, `/services/svc-0/routes?offset=${all.body.offset}`);
  const rest = await get(all.body.next);
  assert.equal(rest.body.data.length, 1);
  assert.equal(rest.body.next, null);
});

test('/tags lists every tagged entity, /tags/{tag} one tag, both paginated', async () => {
  const one = await get('/tags/three?size=1000');
  assert.equal(one.body.data.length, Math.ceil(TOTAL / 3));
  assert.deepEqual(one.body.data[0], { tag: 'three', entity_name: 'services', entity_id: uuidFor(0) });
  const first = await get('/tags?size=300');
  assert.equal(first.body.data.length, 300);
  const second = await get(first.body.next);
  const total = TOTAL + Math.ceil(TOTAL / 2) + Math.ceil(TOTAL / 3);
  assert.equal(second.body.data.length, total - 300);
  assert.equal(second.body.next, null);
  assert.equal((await get('/tags?offset=!!')).body.code, 7);
  const paged = await get('/tags/all?size=100');
  assert.equal(paged.body.next, `/tags/all?offset=${paged.body.offset}`, '/tags/{tag} next has no size');
  const invalid = await get('/tags/%FF');
  assert.equal(invalid.status, 400);
  assert.equal(invalid.body.code, 10);
});
