// session plugin config — kong/plugins/session/schema.lua (lua-resty-session v4 options).
import type { PluginSchema } from '../../pdk/index.ts';

const HEADERS = ['id', 'audience', 'subject', 'timeout', 'idling-timeout', 'rolling-timeout', 'absolute-timeout'] as const;

export const sessionSchema = {
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  config: {
    type: 'record',
    fields: {
      // Kong defaults this to a random string generated when the config is created.
      secret: { type: 'string', required: false, auto: true, encrypted: true, referenceable: true },
      storage: { type: 'string', one_of: ['cookie', 'kong'], default: 'cookie' },
      audience: { type: 'string', default: 'default' },
      idling_timeout: { type: 'number', default: 900 },
      rolling_timeout: { type: 'number', default: 3600 },
      absolute_timeout: { type: 'number', default: 86400 },
      stale_ttl: { type: 'number', default: 10 },
      cookie_name: { type: 'string', default: 'session' },
      cookie_path: { type: 'string', default: '/' },
      cookie_domain: { type: 'string' },
      cookie_same_site: { type: 'string', default: 'Strict', one_of: ['Strict', 'Lax', 'None', 'Default'] },
      cookie_http_only: { type: 'boolean', default: true },
      cookie_secure: { type: 'boolean', default: true },
      remember: { type: 'boolean', default: false },
      remember_cookie_name: { type: 'string', default: 'remember' },
      remember_rolling_timeout: { type: 'number', default: 604800 },
      remember_absolute_timeout: { type: 'number', default: 2592000 },
      response_headers: { type: 'set', elements: { type: 'string', one_of: HEADERS } },
      request_headers: { type: 'set', elements: { type: 'string', one_of: HEADERS } },
      read_body_for_logout: { type: 'boolean', default: false },
      logout_methods: { type: 'array', elements: { type: 'string', one_of: ['GET', 'POST', 'DELETE'] }, default: ['POST', 'DELETE'] },
      logout_query_arg: { type: 'string', default: 'session_logout' },
      logout_post_arg: { type: 'string', default: 'session_logout' },
      hash_subject: { type: 'boolean', default: false },
      store_metadata: { type: 'boolean', default: false },
    },
  },
} satisfies PluginSchema;
