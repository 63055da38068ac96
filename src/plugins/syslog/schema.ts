// syslog config — kong/plugins/syslog/schema.lua, plus Portico's syslog_host/syslog_port: Kong
// calls syslog(3) on the local socket; Node has no unix datagram sockets, so Portico sends the
// same RFC 3164 message over UDP to the local syslog daemon (127.0.0.1:514 by default).
import type { PluginSchema } from '../../pdk/index.ts';
import { customFieldsSchema } from '../../pdk/index.ts';
import { typedefs } from '../../schema/index.ts';

/** syslog(3) severities, most important first (the number is the severity code). */
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

/** Kong's facility list with the syslog(3) facility codes. */
export const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

const severity = { type: 'string', default: 'info', one_of: SEVERITIES } as const;

export const syslogSchema = {
  config: {
    type: 'record',
    fields: {
      log_level: severity,
      successful_severity: severity,
      client_errors_severity: severity,
      server_errors_severity: severity,
      facility: { type: 'string', default: 'user', one_of: Object.keys(FACILITIES) },
      ...customFieldsSchema,
      syslog_host: { ...typedefs.host, default: '127.0.0.1' },
      syslog_port: { ...typedefs.port, default: 514 },
    },
  },
} as const satisfies PluginSchema;
