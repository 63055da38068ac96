// Services — kong/db/schema/entities/services.lua. Endpoint key `name`; `url` shorthand;
// protocol-conditional checks on path and the TLS-only fields.
import { defineSchema, PROTOCOLS, typedefs } from '../schema/index.ts';
import type { ConditionalCheck, EntityCheck } from '../schema/index.ts';
import { baseFields, tagsField } from './common.ts';
import { defineEntity } from './definition.ts';
import { expandServiceUrl } from './url-shorthand.ts';

const TLS_ONLY_FIELDS = ['client_certificate', 'tls_verify', 'tls_verify_depth', 'ca_certificates'] as const;

const tlsOnly = (field: string): EntityCheck => ({
  conditional: {
    if_field: 'protocol', if_match: { not_one_of: ['https', 'tls'] },
    then_field: field, then_match: { eq: null },
  } satisfies ConditionalCheck,
});

export const serviceSchema = defineSchema({
  name: 'services',
  fields: {
    ...baseFields,
    name: { ...typedefs.utf8_name, indexed: true },
    retries: { type: 'integer', default: 5, between: [0, 32767] },
    protocol: { type: 'string', one_of: PROTOCOLS, required: true, default: 'http' },
    host: { ...typedefs.host, required: true },
    port: { ...typedefs.port, required: true, default: 80 },
    path: typedefs.path,
    connect_timeout: { ...typedefs.nonzero_timeout, default: 60000 },
    write_timeout: { ...typedefs.nonzero_timeout, default: 60000 },
    read_timeout: { ...typedefs.nonzero_timeout, default: 60000 },
    tags: tagsField,
    client_certificate: { type: 'foreign', reference: 'certificates' },
    tls_verify: { type: 'boolean' },
    tls_verify_depth: { type: 'integer', between: [0, 64] },
    ca_certificates: { type: 'array', elements: { type: 'string', uuid: true } },
    enabled: { type: 'boolean', required: true, default: true },
  },
  entity_checks: [
    {
      conditional: {
        if_field: 'protocol', if_match: { one_of: ['tcp', 'tls', 'udp', 'grpc', 'grpcs'] },
        then_field: 'path', then_match: { eq: null },
      },
    },
    ...TLS_ONLY_FIELDS.map(tlsOnly),
  ],
  shorthand_fields: {
    // A plain string: Kong's shorthand does not use typedefs.url, so a bad url surfaces as
    // host/path errors after expansion.
    url: { field: { type: 'string' }, expand: expandServiceUrl },
  },
});

export const services = defineEntity({ name: 'services', endpointKey: 'name', schema: serviceSchema });
