// cors config — kong/plugins/cors/schema.lua. An origin is `*` or anything that compiles as a
// regex (plain origins do); patterns run on the linear-time engine (core/regex.ts).
import { compileSafeRegex } from '../../core/regex.ts';
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS } from '../../schema/index.ts';

export const CORS_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const;

function asteriskOrRegex(value: string): true | string {
  if (value === '*') return true;
  try {
    compileSafeRegex(value);
    return true;
  } catch {
    return `'${value}' is not a valid regex`;
  }
}

export const corsSchema = {
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      origins: { type: 'array', elements: { type: 'string', custom_validator: asteriskOrRegex } },
      headers: { type: 'array', elements: { type: 'string' } },
      exposed_headers: { type: 'array', elements: { type: 'string' } },
      methods: { type: 'array', default: [...CORS_METHODS], elements: { type: 'string', one_of: CORS_METHODS } },
      max_age: { type: 'number' },
      credentials: { type: 'boolean', required: true, default: false },
      private_network: { type: 'boolean', required: true, default: false },
      preflight_continue: { type: 'boolean', required: true, default: false },
      allow_origin_absent: { type: 'boolean', required: true, default: true },
    },
  },
} as const satisfies PluginSchema;
