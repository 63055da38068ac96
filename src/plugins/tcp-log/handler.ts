// tcp-log — kong/plugins/tcp-log/handler.lua: the serialized entry as JSON plus "\n" over TCP
// (optionally TLS with tls_sni), from a background write after the response, connections kept
// alive for `keepalive` ms.
import { KONG_VERSION } from '../../core/version.ts';
import { applyCustomFields, definePlugin, type ConfOf } from '../../pdk/index.ts';
import { LogConnection } from './connection.ts';
import { tcpLogSchema } from './schema.ts';

type TcpLogConf = ConfOf<typeof tcpLogSchema>;
// One connection per destination across config versions (Kong's pool is keyed host:port).
const connections = new Map<string, LogConnection>();

function connectionFor(conf: TcpLogConf): LogConnection {
  const key = JSON.stringify([conf.host, conf.port, conf.tls, conf.tls_sni, conf.timeout, conf.keepalive]);
  let connection = connections.get(key);
  if (connection === undefined) {
    connection = new LogConnection({ host: conf.host, port: conf.port, timeout: conf.timeout, keepalive: conf.keepalive, tls: conf.tls, tlsSni: conf.tls_sni });
    connections.set(key, connection);
  }
  return connection;
}

export const plugin = definePlugin({
  name: 'tcp-log',
  version: KONG_VERSION,
  priority: 7,
  schema: tcpLogSchema,
  prepare: (conf) => ({ conf, connection: connectionFor(conf) }),
  log(kong, { conf, connection }) {
    const line = `${JSON.stringify(applyCustomFields(kong.log.serialize(), conf))}\n`;
    connection.write(line).catch((error: Error) => {
      kong.log.err('[tcp-log] failed to send data to ', conf.host, ':', conf.port, ': ', error.message);
    });
  },
});
