import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { emptyEntitySet, exportDeclarative, flattenEntities, loadDeclarative } from './index.ts';
import { migratePath, normalizeUriPath } from './migrate.ts';
import { SPEC_EXAMPLE_TEST_PLUGINS } from './test-fixtures.ts';

describe('exportDeclarative', () => {
  it('writes a flat 3.0 file with ids as foreign keys and no nulls', () => {
    const { entities } = loadDeclarative(SPEC_EXAMPLE_TEST_PLUGINS);
    const document = parse(exportDeclarative(entities));
    assert.equal(document._format_version, '3.0');
    assert.equal(document._transform, false);
    assert.deepEqual(Object.keys(document).filter((k) => !k.startsWith('_')).sort(),
      ['certificates', 'consumers', 'plugins', 'routes', 'services', 'snis', 'targets', 'upstreams']);
    for (const route of document.routes) {
      assert.equal(typeof route.service, 'string');
      assert.equal(route.hosts === null, false, 'null fields are left out');
      assert.ok(entities.services.some((s) => s.id === route.service));
    }
    assert.equal(document.services[0].routes, undefined, 'sections are flat');
    const ids = document.plugins.map((p: { id: string }) => p.id);
    assert.deepEqual(ids, [...ids].sort(), 'rows are ordered by id');
    assert.equal(document.certificates[0].snis, undefined, 'snis are their own section');
  });

  it('round-trips: import → export → import → export is identical', () => {
    const first = exportDeclarative(loadDeclarative(SPEC_EXAMPLE_TEST_PLUGINS).entities);
    const reloaded = loadDeclarative(first);
    assert.equal(reloaded.formatVersion, '3.0');
    assert.equal(reloaded.transform, false);
    const second = exportDeclarative(reloaded.entities);
    assert.equal(second, first);
    assert.equal(loadDeclarative(second).hash, reloaded.hash);
  });

  it('exports an empty set as just the header', () => {
    assert.deepEqual(parse(exportDeclarative(emptyEntitySet())), { _format_version: '3.0', _transform: false });
  });
});

describe('flattenEntities and emptyEntitySet', () => {
  it('keys rows by id per table, leaving out empty tables and ws_id', () => {
    const { entities } = loadDeclarative({ _format_version: '3.0', consumers: [{ username: 'a' }, { username: 'b' }] });
    (entities.consumers[0] as unknown as Record<string, unknown>).ws_id = 'ws';
    const flat = flattenEntities(entities);
    assert.deepEqual(Object.keys(flat), ['consumers']);
    const [a, b] = entities.consumers;
    assert.deepEqual(Object.keys(flat.consumers!).sort(), [a!.id, b!.id].sort());
    assert.equal((flat.consumers![a!.id] as Record<string, unknown>).ws_id, undefined);
    assert.equal((flat.consumers![b!.id] as Record<string, unknown>).username, 'b');
  });

  it('creates every core table empty, fresh each call', () => {
    const set = emptyEntitySet();
    assert.deepEqual(Object.keys(set).sort(), ['ca_certificates', 'certificates', 'consumers', 'plugins', 'routes', 'services', 'snis', 'targets', 'upstreams']);
    set.services.push({} as never);
    assert.equal(emptyEntitySet().services.length, 0);
  });
});

describe('1.1/2.1 path migration', () => {
  it('normalises plain paths like kong.tools.uri.normalize', () => {
    assert.equal(normalizeUriPath('/a/%7eb//c/./d/../e'), '/a/~b/c/e');
    assert.equal(normalizeUriPath('/x%2fy%3a'), '/x%2Fy%3A');
    assert.equal(normalizeUriPath('/a/b/..'), '/a/');
    assert.equal(normalizeUriPath('/'), '/');
  });

  it('prefixes regex paths with ~ and decodes unreserved escapes safely', () => {
    assert.equal(migratePath('/plain-path_1.2~'), '/plain-path_1.2~');
    assert.equal(migratePath('/users/(\\d+)'), '~/users/(\\d+)');
    assert.equal(migratePath('/a$'), '~/a$');
    // %2E is a regex metacharacter once decoded, so it is escaped; %2F stays encoded
    assert.equal(migratePath('/v1%2E0/(x)%2f%41'), '~/v1\\.0/(x)%2FA');
  });
});
