// loggly — kong/plugins/loggly/handler.lua: an RFC 5424 message over UDP,
// `<PRI>1 <UTC time> <hostname> kong - - [<key>@41058 tag="a" tag="b"] <json>`, PRI = 8 +
// severity (facility user); sent only when the status' severity is at least `log_level`.
import { hostname } from 'node:os';
import { KONG_VERSION } from '../../core/version.ts';
import { applyCustomFields, definePlugin, sendDatagram, type ConfOf } from '../../pdk/index.ts';
import { logglySchema, SEVERITIES } from './schema.ts';

type LogglyConf = ConfOf<typeof logglySchema>;
type Severity = (typeof SEVERITIES)[number];

function severityCode(conf: LogglyConf, status: number): number {
  const name = status >= 500 ? conf.server_errors_severity : status >= 400 ? conf.client_errors_severity : conf.successful_severity;
  return SEVERITIES.indexOf(name as Severity);
}

/**
 * The RFC 5424 line Kong's loggly plugin sends.
 * @example
 * logglyMessage(conf, 6, '{}', new Date(0));
 */
export function logglyMessage(conf: LogglyConf, severity: number, json: string, now = new Date()): string {
  const tags = conf.tags.map((tag) => `tag="${tag}"`).join(' ');
  // Kong formats the time with os.date("!%Y-%m-%dT%XZ"): seconds precision, UTC.
  const time = `${now.toISOString().slice(0, 19)}Z`;
  return `<${8 + severity}>1 ${time} ${hostname()} kong - - [${conf.key}@41058 ${tags}] ${json}`;
}

export const plugin = definePlugin({
  name: 'loggly',
  version: KONG_VERSION,
  priority: 6,
  schema: logglySchema,
  log(kong, conf) {
    const severity = severityCode(conf, kong.response.get_status());
    if (severity > SEVERITIES.indexOf(conf.log_level as Severity)) return;
    const json = JSON.stringify(applyCustomFields(kong.log.serialize(), conf));
    sendDatagram(conf.host, conf.port, Buffer.from(logglyMessage(conf, severity, json))).catch((error: Error) => {
      kong.log.err('[loggly] could not send to ', conf.host, ': ', error.message);
    });
  },
});
