// The primary's switchboard for node-wide target health: passive reports and overrides from any
// worker go to the owner (worker 0), its answers go back to the asking worker, and health
// transitions go to every worker — and are remembered, so a worker that (re)starts gets the
// node's current view instead of starting with everything healthy.
import type { ChildProcess } from 'node:child_process';
import type { HealthEnvelope } from './messages.ts';

/** The worker that runs the health monitor. */
export const HEALTH_OWNER = 0;

export class HealthRouter {
  private readonly children = new Map<number, ChildProcess>();
  private readonly transitions = new Map<string, HealthEnvelope>();

  attach(workerId: number, child: ChildProcess): void {
    this.children.set(workerId, child);
    child.on('message', (raw: { type?: string }) => {
      if (raw?.type === 'health') this.route(workerId, raw as HealthEnvelope);
      else if (raw?.type === 'ready') this.replay(child);
    });
    child.once('exit', () => {
      if (this.children.get(workerId) === child) this.children.delete(workerId);
    });
  }

  private route(from: number, envelope: HealthEnvelope): void {
    const { message } = envelope;
    switch (message.type) {
      case 'health:transition': {
        const { upstreamId, targetId, address } = message.transition;
        const outgoing: HealthEnvelope = { type: 'health', message };
        this.transitions.set(`${upstreamId}|${targetId}|${address}`, outgoing);
        for (const child of this.children.values()) send(child, outgoing);
        break;
      }
      case 'health:set:done':
        if (envelope.to !== undefined) send(this.children.get(envelope.to), { type: 'health', message });
        break;
      default: {
        const owner = this.children.get(HEALTH_OWNER);
        if (owner) send(owner, { type: 'health', from, message });
        else if (message.type === 'health:set') {
          // No owner right now (it is restarting): fail the override instead of letting it hang.
          send(this.children.get(from), { type: 'health', message: { type: 'health:set:done', requestId: message.requestId, error: 'the node health owner is restarting; try again' } });
        }
      }
    }
  }

  private replay(child: ChildProcess): void {
    for (const envelope of this.transitions.values()) send(child, envelope);
  }
}

function send(child: ChildProcess | undefined, envelope: HealthEnvelope): void {
  if (child?.connected) child.send(envelope);
}
