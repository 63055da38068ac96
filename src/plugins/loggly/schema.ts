// loggly config — kong/plugins/loggly/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';
import { customFieldsSchema } from '../../pdk/index.ts';
import { typedefs } from '../../schema/index.ts';

/** syslog severities, most important first (index = severity code). */
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
const severity = { type: 'string', default: 'info', one_of: SEVERITIES } as const;

export const logglySchema = {
  config: {
    type: 'record',
    fields: {
      host: { ...typedefs.host, default: 'logs-01.loggly.com' },
      port: { ...typedefs.port, default: 514 },
      key: { type: 'string', required: true, encrypted: true, referenceable: true },
      tags: { type: 'set', default: ['kong'], elements: { type: 'string' } },
      log_level: severity,
      successful_severity: severity,
      client_errors_severity: severity,
      server_errors_severity: severity,
      timeout: { type: 'number', default: 10000 },
      ...customFieldsSchema,
    },
  },
} as const satisfies PluginSchema;
