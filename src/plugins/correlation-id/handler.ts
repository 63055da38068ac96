// correlation-id — kong/plugins/correlation-id/handler.lua: keeps the client's id when it sent
// one, otherwise generates one (uuid, per-worker uuid#counter, or the tracker form), forwards it
// upstream, adds it to the log record as `correlation_id` and, with echo_downstream, returns it
// to the client.
import { randomUUID } from 'node:crypto';
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { correlationIdSchema } from './schema.ts';

type CorrelationIdConf = ConfOf<typeof correlationIdSchema>;

// Kong's init_worker: one uuid per worker and a counter of the ids it generated.
const workerUuid = randomUUID();
let workerCounter = 0;
let trackerRequests = 0;

function generate(kong: Pdk, generator: string): string {
  switch (generator) {
    case 'uuid':
      return randomUUID();
    case 'tracker': {
      // Kong: server_addr-server_port-worker_pid-connection-connection_requests-now (3 decimals).
      trackerRequests++;
      const now = (Date.now() / 1000).toFixed(3);
      return `${kong.request.get_host()}-${kong.request.get_port()}-${process.pid}-${trackerRequests}-1-${now}`;
    }
    default:
      workerCounter++;
      return `${workerUuid}#${workerCounter}`;
  }
}

export const plugin = definePlugin({
  name: 'correlation-id',
  version: KONG_VERSION,
  priority: 100001,
  schema: correlationIdSchema,
  access(kong: Pdk, conf: CorrelationIdConf) {
    const header = conf.header_name ?? 'Kong-Request-ID';
    let id = kong.request.get_header(header);
    if (id === undefined || id === '') {
      id = generate(kong, conf.generator ?? 'uuid#counter');
      kong.service.request.set_header(header, id);
    }
    kong.ctx.plugin.correlation_id = id;
    kong.log.set_serialize_value('correlation_id', id);
  },
  header_filter(kong: Pdk, conf: CorrelationIdConf) {
    if (!conf.echo_downstream) return;
    const id = kong.ctx.plugin.correlation_id;
    if (typeof id === 'string') kong.response.set_header(conf.header_name ?? 'Kong-Request-ID', id);
  },
});
