import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, KongError } from '../../core/errors.ts';
import { uuidV5 } from '../../core/ids.ts';
import { DECLARATIVE_ROOT_NAMESPACE, formatDeclarativeErrors, loadDeclarative } from './index.ts';
import { TEST_PLUGIN, loadError } from './test-fixtures.ts';

const V3 = { _format_version: '3.0' };

describe('declarative errors: parsing and document', () => {
  it('reports unparseable text and non-objects under `error`', () => {
    const broken = loadError(() => loadDeclarative('services: [unclosed'));
    assert.equal(broken.code, 14);
    assert.match((broken.fields as any).error, /^failed parsing declarative configuration: /);
    assert.equal(broken.message, `declarative config is invalid: {error=${JSON.stringify((broken.fields as any).error)}}`);
    for (const input of ['just a string', '- a\n- list\n', '']) {
      const err = loadError(() => loadDeclarative(input));
      assert.deepEqual(err.fields, { error: 'failed parsing declarative configuration: expected an object' });
    }
    const array = loadError(() => loadDeclarative([] as unknown as Record<string, unknown>));
    assert.deepEqual(array.fields, { error: 'failed parsing declarative configuration: expected an object' });
  });

  it('refuses YAML alias bombs', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(',')}]`);
    const err = loadError(() => loadDeclarative(`${levels.join('\n')}\n_format_version: "3.0"\n`));
    assert.match((err.fields as any).error, /failed parsing declarative configuration: .*alias/i);
  });

  it('reports a __proto__ key as unknown instead of losing it', () => {
    for (const text of ['{"_format_version":"3.0","__proto__":{"x":1}}', '_format_version: "3.0"\n__proto__: {a: 1}\n']) {
      const err = loadError(() => loadDeclarative(text));
      assert.ok(Object.hasOwn(err.fields!, '__proto__'));
      assert.equal(err.fields!['__proto__'], 'unknown field');
      assert.equal(Object.getPrototypeOf(err.fields), Object.prototype);
    }
  });

  it('expands anchors, aliases and << merge keys', () => {
    // `_ignore` is the sanctioned place for a shared anchor (unknown top-level keys are errors)
    const { entities } = loadDeclarative(`_format_version: "3.0"
_ignore:
  - &defaults
    retries: 2
    read_timeout: 1000
services:
  - name: a
    host: a.test
    <<: *defaults
  - name: b
    host: b.test
    <<: *defaults
    retries: 7
`);
    assert.deepEqual(entities.services.map((s) => [s.name, s.retries, s.read_timeout]), [['a', 2, 1000], ['b', 7, 1000]]);
  });

  it('lets a repeated key win last, as libyaml-based Kong does', () => {
    const { entities } = loadDeclarative('_format_version: "3.0"\nconsumers:\n  - username: first\n    username: second\n');
    assert.equal(entities.consumers[0]!.username, 'second');
  });

  it('requires a known _format_version and knows every top-level key', () => {
    assert.deepEqual(loadError(() => loadDeclarative({ services: [] })).fields, { _format_version: 'required field missing' });
    assert.deepEqual(loadError(() => loadDeclarative({ _format_version: '2.0' })).fields, { _format_version: 'expected one of: 1.1, 2.1, 3.0' });
    assert.deepEqual(loadError(() => loadDeclarative({ _format_version: 3 })).fields, { _format_version: 'expected a string' });
    const err = loadError(() => loadDeclarative({ ...V3, servces: [], _transform: 'yes', _comment: 1, services: {} }));
    assert.deepEqual(err.fields, {
      servces: 'unknown field', _transform: 'expected a boolean', _comment: 'expected a string', services: 'expected an array',
    });
    assert.equal(err.message, 'declarative config is invalid: {_comment="expected a string",_transform="expected a boolean",servces="unknown field",services="expected an array"}');
  });
});

describe('declarative errors: entities', () => {
  it('mirrors the input positionally, with nulls for valid entries and children under their parent', () => {
    const err = loadError(() => loadDeclarative({
      ...V3,
      services: [
        { name: 'ok', host: 'ok.test' },
        { name: 'bad', port: 70000, routes: [{ paths: ['/fine'] }, { paths: ['no-slash'] }] },
        'not a record',
      ],
      consumers: [{ username: 'fine' }, { username: 'x', _comment: 5 }],
    }));
    const fields = err.fields as any;
    assert.equal(fields.services.length, 3);
    assert.equal(fields.services[0], null);
    assert.equal(fields.services[1].host, 'required field missing');
    assert.equal(fields.services[1].port, 'value should be between 0 and 65535');
    assert.equal(fields.services[1].routes[0], null);
    assert.ok(fields.services[1].routes[1].paths, 'the bad route path is reported under its service');
    assert.equal(fields.services[2], 'expected a record');
    assert.deepEqual(fields.consumers, [null, { _comment: 'expected a string' }]);
    assert.match(err.message, /^declarative config is invalid: \{consumers=\{\[2\]=\{_comment="expected a string"\}\},services=\{\[2\]=\{host="required field missing"/);
  });

  it('collects every error of the file in one pass', () => {
    const err = loadError(() => loadDeclarative({
      ...V3,
      services: [{ name: 'a' }, { name: 'b' }, { name: 'c', host: 'c.test' }],
      upstreams: [{}],
    }));
    const fields = err.fields as any;
    // valid entries after the last failing one are not padded (a Lua array with holes, JSON-encoded)
    assert.deepEqual(fields.services.map((s: any) => s.host), ['required field missing', 'required field missing']);
    assert.ok(fields.upstreams[0].name);
  });

  it('resolves a second parent named by a nested child, and reports it when dangling', () => {
    const config = (consumer: string) => ({
      ...V3,
      consumers: [{ username: 'alice' }],
      services: [{ name: 's', host: 'h.test', plugins: [{ name: TEST_PLUGIN, consumer }] }],
    });
    const { entities } = loadDeclarative(config('alice'));
    assert.deepEqual(entities.plugins[0]!.consumer, { id: entities.consumers[0]!.id });
    assert.deepEqual(entities.plugins[0]!.service, { id: entities.services[0]!.id });
    const err = loadError(() => loadDeclarative(config('bob')));
    assert.deepEqual(err.fields, { services: [{ plugins: [["invalid reference 'consumer: bob' (no such entry in 'consumers')"]] }] });
  });

  it('reports dangling references as per-entity lists', () => {
    const err = loadError(() => loadDeclarative({
      ...V3,
      routes: [{ name: 'r', paths: ['/'], service: 'foo' }],
      plugins: [{ name: TEST_PLUGIN, service: 'nope', consumer: 'nobody' }],
    }));
    assert.deepEqual(err.fields, {
      routes: [["invalid reference 'service: foo' (no such entry in 'services')"]],
      plugins: [[
        "invalid reference 'service: nope' (no such entry in 'services')",
        "invalid reference 'consumer: nobody' (no such entry in 'consumers')",
      ]],
    });
  });

  it('reports duplicates by endpoint key, by primary key and by other unique fields', () => {
    const id = '6f5a2f04-4f55-4f07-a9a4-4a2d5a1f1b0f';
    const names = loadError(() => loadDeclarative({ ...V3, services: [{ name: 'foo', host: 'a.test' }, { name: 'foo', host: 'b.test' }] }));
    assert.deepEqual(names.fields, { services: [null, "uniqueness violation: 'services' entity with name set to 'foo' already declared"] });
    const ids = loadError(() => loadDeclarative({ ...V3, services: [{ id, host: 'a.test' }, { id, host: 'b.test' }] }));
    assert.deepEqual(ids.fields, { services: [null, `uniqueness violation: 'services' entity with primary key set to '${id}' already declared`] });
    const nestedTargets = loadError(() => loadDeclarative({ ...V3, upstreams: [{ name: 'u', targets: [{ target: 'a.test:80' }, { target: 'a.test:80' }] }] }));
    const upstreamId = uuidV5('u', uuidV5('upstreams', DECLARATIVE_ROOT_NAMESPACE));
    const targetId = uuidV5(`targets:*:${upstreamId}:a.test:80`, uuidV5('targets', DECLARATIVE_ROOT_NAMESPACE));
    assert.deepEqual(nestedTargets.fields, { upstreams: [{ targets: [null, `uniqueness violation: 'targets' entity with primary key set to '${targetId}' already declared`] }] });
    const customIds = loadError(() => loadDeclarative({ ...V3, consumers: [{ username: 'a', custom_id: 'c1' }, { username: 'b', custom_id: 'c1' }] }));
    assert.deepEqual(customIds.fields, { consumers: [null, "uniqueness violation: 'consumers' entity with custom_id set to 'c1' already declared"] });
  });

  it('rejects the same plugin twice on one scope even when declared in two styles', () => {
    const err = loadError(() => loadDeclarative({
      ...V3,
      services: [{ name: 's', host: 'h.test', plugins: [{ name: TEST_PLUGIN }] }],
      plugins: [{ name: TEST_PLUGIN, service: 's' }],
    }));
    assert.match((err.fields as any).plugins[0], /^uniqueness violation: 'plugins' entity with cache key set to '\{consumer=null,name="portico-declarative-test"/);
  });
});

describe('declarative errors: flattened and readable forms', () => {
  const broken = (flattenErrors = true) => () => loadDeclarative({
    ...V3,
    services: [
      { name: 'ok', host: 'ok.test' },
      { name: 'svc', tags: ['t1'], port: 'x', routes: [{ name: 'r', paths: ['/'], protocols: ['nope'] }] },
    ],
    plugins: [{ id: '4b2a3c55-6a3b-4d93-9a39-0a1f62f2c1a7', name: TEST_PLUGIN, config: { minute: -1, extra: 1 } }],
  }, { flattenErrors });

  it('drains the errors into flattened_errors: children hoisted first, leftovers kept in fields', () => {
    const err = loadError(broken());
    assert.equal(err.code, 14);
    const flattened = err.extra?.flattened_errors as any[];
    assert.deepEqual(flattened.map((f) => f.entity_type), ['plugin', 'route', 'service']);
    const [plugin, route, service] = flattened;
    assert.equal(plugin.entity_id, '4b2a3c55-6a3b-4d93-9a39-0a1f62f2c1a7');
    assert.equal(plugin.entity_name, TEST_PLUGIN);
    assert.deepEqual(plugin.errors.map((e: any) => [e.type, e.field]), [['field', 'config.extra'], ['field', 'config.minute']]);
    assert.equal(route.entity_name, 'r');
    assert.equal(route.entity.service, undefined, 'the parent had no id of its own to add');
    assert.deepEqual(route.errors.map((e: any) => e.field), ['protocols.1']);
    assert.equal(service.entity_name, 'svc');
    assert.deepEqual(service.entity_tags, ['t1']);
    assert.equal(service.entity_id, undefined);
    assert.equal(service.entity.port, 'x');
    assert.equal(service.entity.routes, undefined, 'children are hoisted, not repeated');
    assert.deepEqual(service.errors.map((e: any) => e.field), ['host', 'port']);
    // Kong builds fields and message from what flattening leaves behind
    assert.deepEqual(err.fields, {});
    assert.equal(err.message, 'declarative config is invalid: {}');
    assert.equal(err.toJSON().flattened_errors, flattened);
  });

  it('keeps document-level errors and non-records in fields, and entity lines as entity errors', () => {
    const err = loadError(() => loadDeclarative({
      _format_version: '3.0',
      bogus: 1,
      services: ['not a record', { name: 'dup', host: 'a.test', id: '6f5a2f04-4f55-4f07-a9a4-4a2d5a1f1b0f' }],
      consumers: [{ username: 'c', tags: ['ok'] }, { username: 'c', tags: ['ok'] }],
    }, { flattenErrors: true }));
    assert.deepEqual(err.fields, { bogus: 'unknown field', services: ['expected a record'] });
    assert.deepEqual(err.extra?.flattened_errors, []);
    const duplicate = loadError(() => loadDeclarative({ ...V3, consumers: [{ username: 'c' }, { username: 'c' }] }, { flattenErrors: true }));
    assert.deepEqual(duplicate.extra?.flattened_errors, [{
      entity_type: 'consumer',
      entity: { username: 'c' },
      errors: [{ type: 'entity', message: "uniqueness violation: 'consumers' entity with username set to 'c' already declared" }],
    }]);
    assert.equal(loadError(() => loadDeclarative({ services: [] })).extra, undefined);
  });

  it('gives a nested child its parent key when the parent has an id', () => {
    const id = '0f0b3a4e-5d2c-4c3b-9a1e-7a6b5c4d3e2f';
    const err = loadError(() => loadDeclarative({ ...V3, services: [{ id, host: 'h.test', routes: [{ paths: ['nope'] }] }] }, { flattenErrors: true }));
    const [route] = err.extra?.flattened_errors as any[];
    assert.deepEqual(route.entity, { paths: ['nope'], service: { id } });
  });

  it('renders one readable line per problem with its position', () => {
    const flat = formatDeclarativeErrors(loadError(broken()));
    assert.ok(flat.split('\n').includes(`  plugin '${TEST_PLUGIN}' config.extra: unknown field`), flat);
    assert.ok(flat.split('\n').includes("  service 'svc' host: required field missing"), flat);
    const report = formatDeclarativeErrors(loadError(broken(false)));
    const lines = report.split('\n');
    assert.match(lines[0]!, /^declarative config is invalid \(\d+ errors\):$/);
    assert.ok(lines.includes('  services[1].host: required field missing'), report);
    assert.ok(lines.some((l) => l.startsWith('  services[1].port: ')), report);
    assert.ok(lines.some((l) => l.startsWith('  services[1].routes[0].protocols')), report);
    assert.ok(lines.some((l) => l.startsWith('  plugins[0].config.minute: ')), report);
    const dangling = loadError(() => loadDeclarative({ ...V3, routes: [{ paths: ['/'], service: 'foo' }] }));
    assert.equal(formatDeclarativeErrors(dangling), "declarative config is invalid:\n  routes[0]: invalid reference 'service: foo' (no such entry in 'services')");
    const other = new KongError(ErrorCode.UNIQUE_VIOLATION, `UNIQUE violation detected on '{name="x"}'`, { name: 'x' });
    assert.equal(formatDeclarativeErrors(other), other.message);
    const unparseable = loadError(() => loadDeclarative('[1'));
    assert.match(formatDeclarativeErrors(unparseable), /^declarative config is invalid:\n {2}error: failed parsing declarative configuration/);
  });
});
