// One worker's part in node-wide target health: every worker keeps a HealthTable its balancers
// read; worker 0 owns the HealthMonitor (active probes, passive counters, manual overrides) and
// publishes transitions, which the primary broadcasts to all workers. Other workers send their
// passive reports and overrides to the owner through the primary.
import {
  adminHealthSource, createRemoteSink, HealthMonitor, HealthTable, probeSetsOf, serveHealthMessage,
  type AdminHealthSource, type HealthMessage, type RemoteSink, type UpstreamEntry,
} from '../proxy/index.ts';
import type { SnapshotOptions } from '../proxy/index.ts';
import type { HealthEnvelope } from './messages.ts';

export class WorkerHealth {
  readonly table = new HealthTable();
  private readonly monitor: HealthMonitor | null;
  private readonly remote: RemoteSink | null;
  private readonly send: (envelope: HealthEnvelope) => void;

  /**
   * `owner`: this worker runs the probes. `entries` reads the current snapshot's balancers.
   * `send` carries envelopes to the primary.
   */
  constructor(owner: boolean, entries: () => Iterable<UpstreamEntry>, send: (envelope: HealthEnvelope) => void) {
    this.send = send;
    if (owner) {
      this.monitor = new HealthMonitor({
        publish: (transition) => send({ type: 'health', message: { type: 'health:transition', transition } }),
        targets: () => probeSetsOf(entries()),
      });
      this.remote = null;
    } else {
      this.monitor = null;
      this.remote = createRemoteSink((message) => send({ type: 'health', message }));
    }
    this.admin = adminHealthSource(entries, this.monitor ?? this.remote!);
  }

  readonly admin: AdminHealthSource;

  /** SnapshotOptions.health for every snapshot this worker builds. */
  snapshotOptions(): Pick<SnapshotOptions, 'health'> {
    return { health: { source: this.table, sink: this.monitor ?? this.remote! } };
  }

  /** After every snapshot swap: the owner re-reads which targets to probe. */
  snapshotChanged(): void {
    this.monitor?.sync();
  }

  /** An envelope routed to this worker by the primary. */
  receive(envelope: HealthEnvelope): void {
    const { message } = envelope;
    if (message.type === 'health:transition') {
      this.table.apply(message.transition);
    } else if (message.type === 'health:set:done') {
      this.remote?.receive(message);
    } else if (this.monitor !== null) {
      serveHealthMessage(this.monitor, message, (reply: HealthMessage) => this.send({ type: 'health', to: envelope.from, message: reply }));
    }
  }

  close(): void {
    this.monitor?.close();
  }
}
