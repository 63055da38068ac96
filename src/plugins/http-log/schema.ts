// http-log config — kong/plugins/http-log/schema.lua (Kong 3.x): endpoint, method, content type,
// timeouts, custom headers (never Host/Content-Length/Content-Type), the shared queue record.
import type { PluginSchema } from '../../pdk/index.ts';
import { customFieldsSchema, queueSchema } from '../../pdk/index.ts';
import { typedefs } from '../../schema/index.ts';

export const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8'] as const;

/** True when the URL carries user info (it becomes a Basic Authorization header). */
export function hasUserInfo(endpoint: unknown): boolean {
  if (typeof endpoint !== 'string') return false;
  try {
    const url = new URL(endpoint);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

export const httpLogSchema = {
  config: {
    type: 'record',
    fields: {
      http_endpoint: { ...typedefs.url, required: true, encrypted: true, referenceable: true },
      method: { type: 'string', default: 'POST', one_of: ['POST', 'PUT', 'PATCH'] },
      content_type: { type: 'string', default: 'application/json', one_of: CONTENT_TYPES },
      timeout: { type: 'number', default: 10000 },
      keepalive: { type: 'number', default: 60000 },
      // Deprecated in Kong 3.x (mapped onto queue.*); accepted so old configs keep loading.
      retry_count: { type: 'integer' },
      queue_size: { type: 'integer' },
      flush_timeout: { type: 'number' },
      headers: {
        type: 'map',
        keys: {
          ...typedefs.header_name,
          match_none: [
            { pattern: '^[Hh][Oo][Ss][Tt]$', err: "cannot contain 'Host' header" },
            { pattern: '^[Cc][Oo][Nn][Tt][Ee][Nn][Tt]%-[Ll][Ee][nN][gG][tT][hH]$', err: "cannot contain 'Content-Length' header" },
            { pattern: '^[Cc][Oo][Nn][Tt][Ee][Nn][Tt]%-[Tt][Yy][Pp][Ee]$', err: "cannot contain 'Content-Type' header" },
          ],
        },
        values: { type: 'string', referenceable: true },
      },
      queue: queueSchema(),
      ...customFieldsSchema,
    },
    entity_checks: [
      {
        custom_entity_check: {
          field_sources: ['http_endpoint', 'headers'],
          fn: (entity) => {
            const headers = (entity.headers ?? {}) as Record<string, unknown>;
            const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
            return hasAuthorization && hasUserInfo(entity.http_endpoint)
              ? "specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed"
              : true;
          },
        },
      },
    ],
  },
} as const satisfies PluginSchema;
