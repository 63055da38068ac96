// udp-log — kong/plugins/udp-log/handler.lua: one JSON datagram per request (no trailing newline),
// sent after the response. UDP has no delivery feedback beyond local send errors, logged.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { KONG_VERSION } from '../../core/version.ts';
import { applyCustomFields, definePlugin } from '../../pdk/index.ts';
import { udpLogSchema } from './schema.ts';

let sockets: { udp4?: Socket; udp6?: Socket } = {};

/**
 * A shared unref'd socket per address family.
 * @example
 * udpSocket('127.0.0.1').send(Buffer.from('x'), 514, '127.0.0.1');
 */
export function udpSocket(host: string): Socket {
  const family = isIPv6(host) ? 'udp6' : 'udp4';
  let socket = sockets[family];
  if (socket === undefined) {
    socket = createSocket(family);
    socket.unref();
    socket.on('error', () => { sockets = { ...sockets, [family]: undefined }; });
    sockets[family] = socket;
  }
  return socket;
}

export const plugin = definePlugin({
  name: 'udp-log',
  version: KONG_VERSION,
  priority: 8,
  schema: udpLogSchema,
  log(kong, conf) {
    const payload = Buffer.from(JSON.stringify(applyCustomFields(kong.log.serialize(), conf)));
    udpSocket(conf.host).send(payload, conf.port, conf.host, (error) => {
      if (error) kong.log.err('[udp-log] could not send data to ', conf.host, ':', conf.port, ': ', error.message);
    });
  },
});
