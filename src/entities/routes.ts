// Routes — kong/db/schema/entities/routes.lua and routes_subschemas.lua (traditional and
// traditional_compatible flavors). The first protocol picks the subschema: http/https,
// stream (tcp/tls/udp/tls_passthrough) or grpc/grpcs, each with its own field restrictions.
import { defineSchema, PROTOCOLS, typedefs, validateHostWithOptionalPort } from '../schema/index.ts';
import type { EntityCheck, FieldDef, FieldMap, Schema } from '../schema/index.ts';
import { baseFields, tagsField } from './common.ts';
import { defineEntity } from './definition.ts';
import { validateRoutePath } from './route-paths.ts';

const hostElement: FieldDef = {
  type: 'string',
  match_all: [{ pattern: '^[^*]*%*?[^*]*$', err: 'invalid wildcard: must have at most one wildcard' }],
  match_any: {
    patterns: ['^%*%.', '%.%*$', '^[^*]*$'],
    err: 'invalid wildcard: must be placed at leftmost or rightmost label',
  },
  // Kong swaps the wildcard for a placeholder label before the host check.
  custom_validator: (host: string) => validateHostWithOptionalPort(host.replace('*', 'abc')),
};

const endpointRecord: FieldDef = {
  type: 'record',
  fields: { ip: typedefs.ip_or_cidr, port: typedefs.port },
  entity_checks: [{ at_least_one_of: ['ip', 'port'] }],
};

export const routeFields = {
  ...baseFields,
  name: { ...typedefs.utf8_name, indexed: true },
  protocols: {
    type: 'set', len_min: 1, required: true, elements: { type: 'string', one_of: PROTOCOLS },
    mutually_exclusive_subsets: [['http', 'https'], ['tcp', 'tls', 'udp'], ['tls_passthrough'], ['grpc', 'grpcs']],
    default: ['http', 'https'], indexed: true,
  },
  methods: { type: 'set', elements: typedefs.http_method, indexed: true },
  hosts: { type: 'array', elements: hostElement, indexed: true },
  paths: {
    type: 'array', indexed: true,
    elements: {
      type: 'string',
      match_any: { patterns: ['^/', '^~/'], err: 'should start with: / (fixed path) or ~/ (regex path)' },
      match_none: [{ pattern: '//', err: 'must not have empty segments' }],
      custom_validator: validateRoutePath,
    },
  },
  headers: {
    type: 'map',
    keys: {
      ...typedefs.header_name,
      match_none: [{
        pattern: '^[Hh][Oo][Ss][Tt]$',
        err: "cannot contain 'host' header, which must be specified in the 'hosts' attribute",
      }],
    },
    values: { type: 'array', elements: { type: 'string' } },
  },
  https_redirect_status_code: { type: 'integer', one_of: [426, 301, 302, 307, 308], default: 426, required: true },
  regex_priority: { type: 'integer', default: 0 },
  strip_path: { type: 'boolean', required: true, default: true },
  path_handling: { type: 'string', default: 'v0', one_of: ['v0', 'v1'] },
  preserve_host: { type: 'boolean', required: true, default: false },
  request_buffering: { type: 'boolean', required: true, default: true },
  response_buffering: { type: 'boolean', required: true, default: true },
  snis: { type: 'set', elements: typedefs.wildcard_host },
  sources: { type: 'set', elements: endpointRecord },
  destinations: { type: 'set', elements: endpointRecord },
  tags: tagsField,
  service: { type: 'foreign', reference: 'services' },
} as const satisfies FieldMap;

const baseChecks: EntityCheck[] = [{
  conditional: {
    if_field: 'protocols',
    if_match: { elements: { type: 'string', not_one_of: ['https', 'grpcs', 'tls', 'tls_passthrough'] } },
    then_field: 'snis', then_match: { len_eq: 0 },
    then_err: "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'",
  },
}];

export const routeSchema = defineSchema({ name: 'routes', fields: routeFields, entity_checks: baseChecks });

const forbid = (type: 'set' | 'array' | 'map', err: string): FieldDef => ({ type, eq: null, err });
const HTTP = "when 'protocols' is 'http' or 'https'";
const STREAM = "when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'";
const GRPC = "when 'protocols' is 'grpc' or 'grpcs'";

function variant(overrides: Record<string, FieldDef>, checks: EntityCheck[]): Schema {
  const fields: Record<string, FieldDef> = { ...routeFields };
  for (const [k, v] of Object.entries(overrides)) fields[k] = { ...fields[k], ...v };
  return defineSchema({ name: 'routes', fields, entity_checks: [...baseChecks, ...checks] });
}

const httpSchema = variant({
  sources: forbid('set', `cannot set 'sources' ${HTTP}`),
  destinations: forbid('set', `cannot set 'destinations' ${HTTP}`),
}, [{
  conditional_at_least_one_of: {
    if_field: 'protocols', if_match: { contains: 'https' },
    then_at_least_one_of: ['methods', 'hosts', 'headers', 'paths', 'snis'],
    then_err: "must set one of %s when 'protocols' is 'https'",
    else_match: { contains: 'http' },
    else_then_at_least_one_of: ['methods', 'hosts', 'headers', 'paths'],
    else_then_err: "must set one of %s when 'protocols' is 'http'",
  },
}]);

const streamSchema = variant({
  methods: forbid('set', `cannot set 'methods' ${STREAM}`),
  hosts: forbid('array', `cannot set 'hosts' ${STREAM}`),
  paths: forbid('array', `cannot set 'paths' ${STREAM}`),
  headers: forbid('map', `cannot set 'headers' ${STREAM}`),
}, [
  {
    conditional_at_least_one_of: {
      if_field: 'protocols', if_match: { elements: { type: 'string', one_of: ['tcp', 'tls', 'udp'] } },
      then_at_least_one_of: ['sources', 'destinations', 'snis'],
      then_err: "must set one of %s when 'protocols' is 'tcp', 'tls' or 'udp'",
    },
  },
  {
    conditional_at_least_one_of: {
      if_field: 'protocols', if_match: { elements: { type: 'string', one_of: ['tls_passthrough'] } },
      then_at_least_one_of: ['snis'],
      then_err: "must set snis when 'protocols' is 'tls_passthrough'",
    },
  },
]);

const grpcSchema = variant({
  strip_path: { type: 'boolean', required: true, default: false, ne: true, err: `cannot set 'strip_path' ${GRPC}` },
  methods: forbid('set', `cannot set 'methods' ${GRPC}`),
  sources: forbid('set', `cannot set 'sources' ${GRPC}`),
  destinations: forbid('set', `cannot set 'destinations' ${GRPC}`),
}, [{
  conditional_at_least_one_of: {
    if_field: 'protocols', if_match: { contains: 'grpcs' },
    then_at_least_one_of: ['hosts', 'headers', 'paths', 'snis'],
    then_err: "must set one of %s when 'protocols' is 'grpcs'",
    else_match: { contains: 'grpc' },
    else_then_at_least_one_of: ['hosts', 'headers', 'paths'],
    else_then_err: "must set one of %s when 'protocols' is 'grpc'",
  },
}]);

const SUBSCHEMAS: Record<string, Schema> = {
  http: httpSchema, https: httpSchema,
  tcp: streamSchema, tls: streamSchema, udp: streamSchema, tls_passthrough: streamSchema,
  grpc: grpcSchema, grpcs: grpcSchema,
};

/** Kong's get_subschema for a set key: the first protocol that names a subschema. */
export function routeSchemaFor(input: Record<string, unknown>): Schema {
  const protocols = input.protocols === undefined ? routeFields.protocols.default : input.protocols;
  if (Array.isArray(protocols)) {
    for (const p of protocols) if (typeof p === 'string' && Object.hasOwn(SUBSCHEMAS, p)) return SUBSCHEMAS[p]!;
  }
  return routeSchema;
}

export const routes = defineEntity({ name: 'routes', endpointKey: 'name', schema: routeSchema, schemaFor: routeSchemaFor });
