// GET /upstreams/{u}/health[?balancer_health=1] and the node-local target health overrides
// (kong/api/routes/upstreams.lua). The balancer lives in the proxy, which the Admin API may not
// import, so main.ts hands its state over through AdminDeps.upstreamHealth.
import type { Row } from '../../store/types.ts';
import type { AdminDeps, RouteHandler, TargetHealthSource, UpstreamBalancerStatus } from '../types.ts';
import type { AdminRouter } from '../http/router.ts';
import type { CrudEntities } from './definition.ts';
import { allByForeign } from './lookup.ts';
import type { CrudEngine } from './operations.ts';
import { findEntity } from './operations.ts';
import { findTarget } from './targets.ts';

type HostStatus = UpstreamBalancerStatus['hosts'][number];

/** Kong reports HEALTHCHECKS_OFF when neither active nor passive checks can change anything. */
function healthchecksOff(upstream: Row): boolean {
  const checks = upstream.healthchecks as { active?: Record<string, any>; passive?: Record<string, any> } | undefined;
  const active = checks?.active;
  const passive = checks?.passive;
  const activeOn = Number(active?.healthy?.interval ?? 0) > 0 || Number(active?.unhealthy?.interval ?? 0) > 0;
  const passiveOn = ['http_failures', 'tcp_failures', 'timeouts'].some((k) => Number(passive?.unhealthy?.[k] ?? 0) > 0)
    || Number(passive?.healthy?.successes ?? 0) > 0;
  return !activeOn && !passiveOn;
}

function hostHealth(host: HostStatus | undefined, off: boolean): string {
  if (host && !/^(A|AAAA|SRV)$/.test(host.dns)) return 'DNS_ERROR';
  if (off) return 'HEALTHCHECKS_OFF';
  return host?.addresses.some((a) => a.healthy) ? 'HEALTHY' : 'UNHEALTHY';
}

function hostData(host: HostStatus | undefined, off: boolean): Record<string, unknown> {
  if (!host) return { addresses: [] };
  return {
    dns: host.dns,
    nodeWeight: host.nodeWeight,
    weight: host.weight,
    addresses: host.addresses.map((a) => ({ ip: a.ip, port: a.port, weight: a.weight, health: off ? 'HEALTHCHECKS_OFF' : a.healthy ? 'HEALTHY' : 'UNHEALTHY' })),
  };
}

async function upstreamFor(engine: CrudEngine, defs: CrudEntities, key: string): Promise<Row> {
  return findEntity(engine, defs.upstreams!, key);
}

export function registerUpstreamHealthRoutes(router: AdminRouter<RouteHandler>, defs: CrudEntities, engine: () => CrudEngine, deps: AdminDeps, source: TargetHealthSource): void {
  router.add('GET', '/upstreams/{upstreams}/health', {
    handle: async (ctx) => {
      const current = engine();
      const upstream = await upstreamFor(current, defs, ctx.params.upstreams!);
      const status = source.status(upstream.id);
      const off = healthchecksOff(upstream);
      if (ctx.query.get('balancer_health') === '1') {
        const health = off ? 'HEALTHCHECKS_OFF' : status?.healthy === false ? 'UNHEALTHY' : 'HEALTHY';
        return { status: 200, body: { data: { id: upstream.id, health, balancer_health: health, details: status ?? {} }, next: null, node_id: deps.nodeId } };
      }
      const targets = await allByForeign(current.store, 'targets', 'upstream', upstream.id);
      const data = targets.map((target) => {
        const host = status?.hosts.find((h) => h.targetId === target.id);
        return { ...target, health: hostHealth(host, off), data: hostData(host, off) };
      });
      return { status: 200, body: { data, next: null, node_id: deps.nodeId } };
    },
  });
  const setHealth = (healthy: boolean, withAddress: boolean): RouteHandler => ({
    handle: async (ctx) => {
      const current = engine();
      const upstream = await upstreamFor(current, defs, ctx.params.upstreams!);
      const target = await findTarget(current, { field: 'upstream', parentId: upstream.id }, ctx.params.targets!);
      await source.setHealth(upstream.id, target.id, withAddress ? ctx.params.address! : null, healthy);
      return { status: 204 };
    },
  });
  for (const [suffix, healthy] of [['healthy', true], ['unhealthy', false]] as const) {
    router.add('PUT', `/upstreams/{upstreams}/targets/{targets}/${suffix}`, setHealth(healthy, false));
    router.add('PUT', `/upstreams/{upstreams}/targets/{targets}/{address}/${suffix}`, setHealth(healthy, true));
  }
}
