// Upstreams — kong/db/schema/entities/upstreams.lua. Endpoint key `name` (a hostname); the
// algorithm/hash_on shorthands keep them coupled; conditional checks demand the matching
// hash_on_* parameter.
import { defineSchema, normalizeIp, typedefs } from '../schema/index.ts';
import type { EntityCheck } from '../schema/index.ts';
import { baseFields, tagsField } from './common.ts';
import { defineEntity } from './definition.ts';
import { healthchecksField } from './healthchecks.ts';

const HASH_ON = ['none', 'consumer', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture'] as const;

function validateUpstreamName(name: string): true | string {
  const parsed = normalizeIp(name);
  if (!parsed.ok) return `Invalid name ('${name}'); must be a valid hostname`;
  if (parsed.type !== 'name') return `Invalid name ('${name}'); no ip addresses allowed`;
  if (parsed.value.port !== null) return `Invalid name ('${name}'); no port allowed`;
  return true;
}

function validateCookieName(name: string): true | string {
  return /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)
    || `bad cookie name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`;
}

const simpleParam = { type: 'string', len_min: 1 } as const;

const requiredWhen = (ifField: string, value: string, thenField: string): EntityCheck => ({
  conditional: { if_field: ifField, if_match: { match: `^${value}$` }, then_field: thenField, then_match: { required: true } },
});
const fallbackOneOf = (hashOn: string, allowed: string[]): EntityCheck => ({
  conditional: { if_field: 'hash_on', if_match: { match: `^${hashOn}$` }, then_field: 'hash_fallback', then_match: { one_of: allowed } },
});
const allBut = (excluded: string) => HASH_ON.filter((h) => h !== excluded);

export const upstreamSchema = defineSchema({
  name: 'upstreams',
  fields: {
    ...baseFields,
    name: { type: 'string', required: true, unique: true, indexed: true, custom_validator: validateUpstreamName },
    algorithm: {
      type: 'string', default: 'round-robin',
      one_of: ['consistent-hashing', 'least-connections', 'round-robin', 'latency'],
    },
    hash_on: { type: 'string', default: 'none', one_of: HASH_ON },
    hash_fallback: { type: 'string', default: 'none', one_of: HASH_ON },
    hash_on_header: typedefs.header_name,
    hash_fallback_header: typedefs.header_name,
    hash_on_cookie: { type: 'string', custom_validator: validateCookieName },
    hash_on_cookie_path: { ...typedefs.path, default: '/' },
    hash_on_query_arg: simpleParam,
    hash_fallback_query_arg: simpleParam,
    hash_on_uri_capture: simpleParam,
    hash_fallback_uri_capture: simpleParam,
    slots: { type: 'integer', default: 10000, between: [10, 2 ** 16] },
    healthchecks: healthchecksField,
    tags: tagsField,
    host_header: typedefs.host_with_optional_port,
    client_certificate: { type: 'foreign', reference: 'certificates' },
    use_srv_name: { type: 'boolean', default: false },
  },
  entity_checks: [
    requiredWhen('hash_on', 'header', 'hash_on_header'),
    requiredWhen('hash_fallback', 'header', 'hash_fallback_header'),
    requiredWhen('hash_on', 'cookie', 'hash_on_cookie'),
    requiredWhen('hash_fallback', 'cookie', 'hash_on_cookie'),
    fallbackOneOf('none', ['none']),
    fallbackOneOf('cookie', ['none']),
    fallbackOneOf('consumer', allBut('consumer')),
    fallbackOneOf('ip', allBut('ip')),
    fallbackOneOf('path', allBut('path')),
    { distinct: ['hash_on_header', 'hash_fallback_header'] },
    requiredWhen('hash_on', 'query_arg', 'hash_on_query_arg'),
    requiredWhen('hash_fallback', 'query_arg', 'hash_fallback_query_arg'),
    { distinct: ['hash_on_query_arg', 'hash_fallback_query_arg'] },
    requiredWhen('hash_on', 'uri_capture', 'hash_on_uri_capture'),
    requiredWhen('hash_fallback', 'uri_capture', 'hash_fallback_uri_capture'),
    { distinct: ['hash_on_uri_capture', 'hash_fallback_uri_capture'] },
  ],
  // Kong's backwards-compatibility shorthands: the balancer algorithm follows hash_on.
  // Kong nulls hash_on for least-connections/latency; a null hash_on would then satisfy every
  // `hash_on = …` conditional (validate_field passes null), so it is reset to 'none' instead.
  shorthand_fields: {
    algorithm: {
      field: { type: 'string' },
      expand: (value: string | null) => (value === 'least-connections' || value === 'latency'
        ? { algorithm: value, hash_on: 'none' }
        : { algorithm: value }),
    },
    hash_on: {
      field: { type: 'string' },
      expand: (value: string | null) => (value === null || value === 'none'
        ? { hash_on: 'none', algorithm: 'round-robin' }
        : { hash_on: value, algorithm: 'consistent-hashing' }),
    },
  },
});

export const upstreams = defineEntity({ name: 'upstreams', endpointKey: 'name', schema: upstreamSchema });
