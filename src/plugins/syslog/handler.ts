// syslog — kong/plugins/syslog/handler.lua: the severity follows the response status (>= 500
// server errors, >= 400 client errors, else successful); the entry is sent only when that
// severity is at least as important as `log_level`, as `kong[pid]: <json>` with the facility.
import { KONG_VERSION } from '../../core/version.ts';
import { applyCustomFields, definePlugin, sendDatagram, type ConfOf } from '../../pdk/index.ts';
import { FACILITIES, SEVERITIES, syslogSchema } from './schema.ts';

type SyslogConf = ConfOf<typeof syslogSchema>;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The severity name Kong picks for a status. */
export function severityFor(conf: SyslogConf, status: number): string {
  if (status >= 500) return conf.server_errors_severity;
  if (status >= 400) return conf.client_errors_severity;
  return conf.successful_severity;
}

/** RFC 3164 timestamp as syslog(3) writes it: `Nov  6 09:03:07` (local time). */
function timestamp(date: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${MONTHS[date.getMonth()]} ${String(date.getDate()).padStart(2, ' ')} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * One syslog(3)-shaped message.
 * @example
 * syslogMessage('user', 'info', '{}'); // '<14>Nov 26 05:00:00 kong[42]: {}'
 */
export function syslogMessage(facility: string, severity: string, text: string, now = new Date()): string {
  const priority = (FACILITIES[facility] ?? 1) * 8 + SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]);
  return `<${priority}>${timestamp(now)} kong[${process.pid}]: ${text}`;
}

export const plugin = definePlugin({
  name: 'syslog',
  version: KONG_VERSION,
  priority: 4,
  schema: syslogSchema,
  log(kong, conf) {
    const severity = severityFor(conf, kong.response.get_status());
    // Lower syslog codes are more important (emerg 0 … debug 7).
    if (SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]) > SEVERITIES.indexOf(conf.log_level as (typeof SEVERITIES)[number])) return;
    const entry = applyCustomFields(kong.log.serialize(), conf);
    const message = Buffer.from(syslogMessage(conf.facility, severity, JSON.stringify(entry)));
    sendDatagram(conf.syslog_host, conf.syslog_port, message).catch((error: Error) => {
      kong.log.err('[syslog] could not send to ', conf.syslog_host, ': ', error.message);
    });
  },
});
