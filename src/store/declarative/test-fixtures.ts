// Test support for the declarative tests: the spec §6.2 example (with a real certificate) and
// small helpers. A plugin schema is registered under a test-only name so plugin nesting, cache-key
// ids and config validation can be exercised without depending on bundled plugins.
import assert from 'node:assert/strict';
import { KongError } from '../../core/errors.ts';
import { registerPluginSchema } from '../../entities/index.ts';
import { selfSignedCertificate } from './test-certificate.ts';

export const TEST_PLUGIN = 'portico-declarative-test';
export const OTHER_TEST_PLUGIN = 'portico-declarative-other';

for (const name of [TEST_PLUGIN, OTHER_TEST_PLUGIN]) {
  registerPluginSchema(name, {
    config: { type: 'record', fields: { minute: { type: 'integer', gt: 0 }, note: { type: 'string' } } },
  });
}

/** Run `load` and return the KongError it throws (fails the test when it does not throw). */
export function loadError(load: () => unknown): KongError {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof KongError, `expected a KongError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the load to fail');
}

const { cert, key } = selfSignedCertificate('billing.example.com');

/** Kong spec §6.2, verbatim apart from the real certificate (its plugins are not bundled here yet). */
export const SPEC_EXAMPLE = `_format_version: "3.0"
_transform: true
_comment: demo config
services:
  - name: orders
    url: http://orders.internal:8080/v1      # -> protocol/host/port/path
    retries: 3
    read_timeout: 30000
    tags: [team-a]
    routes:
      - name: orders-api
        paths: ["/orders"]
        methods: [GET, POST]
        strip_path: true
        plugins:
          - name: rate-limiting
            config: { minute: 60, policy: local }
    plugins:
      - name: key-auth
        config: { key_names: [apikey] }
  - name: billing
    host: billing-upstream                   # resolved through the upstream below
    port: 80
    protocol: http
routes:
  - name: invoice-by-id
    service: billing                         # reference by name
    hosts: ["billing.example.com", "*.billing.example.com"]
    paths: ["~/invoices/(?<id>\\\\d+)$"]
    regex_priority: 10
    https_redirect_status_code: 308
    protocols: [https]
upstreams:
  - name: billing-upstream
    algorithm: round-robin
    healthchecks:
      passive: { unhealthy: { http_failures: 3 } }
    targets:
      - target: 10.0.0.11:8080
        weight: 100
      - target: 10.0.0.12:8080
consumers:
  - username: alice
    custom_id: cust-001
    plugins:
      - name: rate-limiting
        config: { minute: 1000, policy: local }
plugins:
  - name: correlation-id                     # global (no scope)
    config: { header_name: X-Request-ID, generator: uuid, echo_downstream: true }
  - name: acl                                # service-scoped, top level
    service: orders
    config: { allow: [gold] }
  - name: request-termination                # two parents -> must be top level
    service: billing
    consumer: alice
    config: { status_code: 403, message: "blocked" }
certificates:
  - cert: ${JSON.stringify(cert)}
    key: ${JSON.stringify(key)}
    snis:
      - name: billing.example.com
`;

/** The same configuration with the plugins swapped for registered test plugins (acl → the other one). */
export const SPEC_EXAMPLE_TEST_PLUGINS = SPEC_EXAMPLE
  .replace(/name: acl\b/, `name: ${OTHER_TEST_PLUGIN}`)
  .replace(/name: (rate-limiting|key-auth|correlation-id|request-termination)\b/g, `name: ${TEST_PLUGIN}`)
  .replace(/config: \{ allow: \[gold\] \}/, 'config: { note: x }')
  .replace(/config: \{[^}]*\}( +#.*)?$/gm, 'config: { note: x }');

/** The same configuration without any plugin. */
export const SPEC_EXAMPLE_NO_PLUGINS = SPEC_EXAMPLE
  .replace(/\n {8}plugins:\n( {10}.*\n)+/, '\n')
  .replace(/\n {4}plugins:\n( {6}.*\n)+/g, '\n')
  .replace(/\nplugins:\n( {2}.*\n)+/, '\n');
