// Conformance cases for paging: primary-key order, sizes, opaque offsets, tags, foreign scope.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../core/errors.ts';
import { consumerRow, pluginRow, rejectsWith, serviceRow } from './conformance-fixtures.ts';
import type { StoreFactory } from './conformance-fixtures.ts';
import type { Page, PageOptions, Row, Store } from './types.ts';

async function walk(store: Store, load: (offset?: string) => Promise<Page>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  let offset: string | undefined;
  do {
    const page = await load(offset);
    pages++;
    ids.push(...page.data.map((row) => row.id));
    offset = page.offset;
    assert.ok(pages < 1000, 'paging does not terminate');
  } while (offset !== undefined);
  return { ids, pages };
}

async function seedConsumers(store: Store, count: number, tagsOf: (i: number) => string[] | null = () => null): Promise<Row[]> {
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const row = consumerRow(`user-${i}`, { tags: tagsOf(i) });
    rows.push(row);
    await store.insert('consumers', row);
  }
  return rows;
}

export function registerPagingCases(factory: StoreFactory): void {
  describe('paging', () => {
    it('walks every row once, in primary-key order, with opaque offsets', async () => {
      const store = await factory();
      const rows = await seedConsumers(store, 7);
      const { ids, pages } = await walk(store, (offset) => store.page('consumers', { size: 3, offset }));
      assert.deepEqual(ids, rows.map((r) => r.id).sort());
      assert.equal(pages, 3);
      await store.close();
    });

    it('hands out no offset when the page is exactly the last one', async () => {
      const store = await factory();
      await seedConsumers(store, 4);
      const first = await store.page('consumers', { size: 2 });
      assert.equal(first.data.length, 2);
      assert.equal(typeof first.offset, 'string');
      assert.match(first.offset!, /^[A-Za-z0-9_-]+$/);
      const second = await store.page('consumers', { size: 2, offset: first.offset });
      assert.equal(second.data.length, 2);
      assert.equal(second.offset, undefined);
      assert.deepEqual(await store.page('services'), { data: [] });
      await store.close();
    });

    it('defaults to pages of 100', async () => {
      const store = await factory();
      await seedConsumers(store, 101);
      const page = await store.page('consumers');
      assert.equal(page.data.length, 100);
      assert.notEqual(page.offset, undefined);
      assert.equal((await store.page('consumers', { offset: page.offset })).data.length, 1);
      await store.close();
    });

    it('rejects bad sizes with code 9', async () => {
      const store = await factory();
      const range = 'size must be an integer between 1 and 1000';
      for (const size of [0, 1001, 1.5, -3]) {
        await rejectsWith(store.page('consumers', { size }), ErrorCode.INVALID_SIZE, range);
      }
      await rejectsWith(store.page('consumers', { size: Number.NaN }), ErrorCode.INVALID_SIZE, 'size must be a number');
      assert.equal((await store.page('consumers', { size: 1000 })).data.length, 0);
      await store.close();
    });

    it('rejects a bad offset token with code 7', async () => {
      const store = await factory();
      await rejectsWith(store.page('consumers', { offset: 'not base64!' }), ErrorCode.INVALID_OFFSET,
        `'not base64!' is not a valid offset: bad base64 encoding`);
      await rejectsWith(store.pageByForeign('plugins', 'service', 'x', { offset: '%%%' }), ErrorCode.INVALID_OFFSET,
        `'%%%' is not a valid offset: bad base64 encoding`);
      const notJson = Buffer.from('{oops').toString('base64url');
      await rejectsWith(store.page('consumers', { offset: notJson }), ErrorCode.INVALID_OFFSET);
      await store.close();
    });

    it('filters by tags with and/or semantics across pages', async () => {
      const store = await factory();
      const tagSets = [['a'], ['a', 'b'], ['b'], null, ['a', 'b', 'c'], ['c']];
      const rows = await seedConsumers(store, tagSets.length, (i) => tagSets[i]!);
      const expect = (pick: (tags: string[]) => boolean): string[] =>
        rows.filter((_, i) => tagSets[i] !== null && pick(tagSets[i]!)).map((r) => r.id).sort();
      const load = (tags: PageOptions['tags']) => walk(store, (offset) => store.page('consumers', { size: 1, offset, tags }));
      assert.deepEqual((await load({ mode: 'and', values: ['a', 'b'] })).ids, expect((t) => t.includes('a') && t.includes('b')));
      assert.deepEqual((await load({ mode: 'or', values: ['b', 'c'] })).ids, expect((t) => t.includes('b') || t.includes('c')));
      assert.deepEqual((await load({ mode: 'and', values: ['zzz'] })).ids, []);
      const single = await store.page('consumers', { size: 10, tags: { mode: 'or', values: ['c'] } });
      assert.equal(single.data.length, 2);
      assert.equal(single.offset, undefined);
      await store.close();
    });

    it('pages the children of one parent only', async () => {
      const store = await factory();
      const mine = serviceRow('mine');
      const other = serviceRow('other');
      await store.insert('services', mine);
      await store.insert('services', other);
      const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
      const expected: string[] = [];
      for (const name of names) {
        const row = pluginRow(name, { service: mine.id });
        expected.push(row.id);
        await store.insert('plugins', row);
        await store.insert('plugins', pluginRow(name, { service: other.id }));
      }
      await store.insert('plugins', pluginRow('global'));
      const { ids } = await walk(store, (offset) => store.pageByForeign('plugins', 'service', mine.id, { size: 2, offset }));
      assert.deepEqual(ids, expected.sort());
      assert.deepEqual((await store.pageByForeign('plugins', 'consumer', mine.id)).data, []);
      await store.close();
    });
  });
}
