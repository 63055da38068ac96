// udp-log — kong/plugins/udp-log/handler.lua: one JSON datagram per request (no trailing newline),
// sent after the response. UDP has no delivery feedback beyond local send errors, logged.
import { KONG_VERSION } from '../../core/version.ts';
import { applyCustomFields, definePlugin, sendDatagram } from '../../pdk/index.ts';
import { udpLogSchema } from './schema.ts';

export const plugin = definePlugin({
  name: 'udp-log',
  version: KONG_VERSION,
  priority: 8,
  schema: udpLogSchema,
  log(kong, conf) {
    const payload = JSON.stringify(applyCustomFields(kong.log.serialize(), conf));
    sendDatagram(conf.host, conf.port, payload).catch((error: Error) => {
      kong.log.err('[udp-log] could not send data to ', conf.host, ':', conf.port, ': ', error.message);
    });
  },
});
