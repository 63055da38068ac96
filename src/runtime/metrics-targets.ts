// kong_upstream_target_health rows from the serving worker's snapshot. Target health is
// node-wide (published to every worker), so one worker's balancers describe the node.
// States as Kong's exporter: healthchecks_off when the upstream has no active or passive checks,
// dns_error when the target did not resolve, else healthy/unhealthy per address.
import type { Upstream } from '../entities/types.ts';
import type { TargetHealth } from '../plugins/prometheus/exporter.ts';
import type { UpstreamEntry } from '../proxy/index.ts';

const RESOLVED = new Set(['A', 'AAAA', 'SRV']);

function healthchecksOff(upstream: Upstream): boolean {
  const { active, passive } = upstream.healthchecks;
  const activeOn = (active.healthy.interval ?? 0) > 0 || (active.unhealthy.interval ?? 0) > 0;
  const passiveOn = [passive.unhealthy.http_failures, passive.unhealthy.tcp_failures, passive.unhealthy.timeouts].some((count) => (count ?? 0) > 0);
  return !activeOn && !passiveOn;
}

/**
 * One row per target address (a target that did not resolve: one dns_error row).
 * @example
 * targetHealthRows(snapshot.upstreams.values());
 */
export function targetHealthRows(entries: Iterable<UpstreamEntry>): TargetHealth[] {
  const rows: TargetHealth[] = [];
  for (const { upstream, balancer } of entries) {
    const off = healthchecksOff(upstream);
    for (const host of balancer.status().hosts) {
      const target = `${host.host}:${host.port}`;
      if (!RESOLVED.has(host.dns) && host.addresses.length === 0) {
        rows.push({ upstream: upstream.name, target, address: '', state: 'dns_error' });
        continue;
      }
      for (const address of host.addresses) {
        const state = off ? 'healthchecks_off' : address.healthy ? 'healthy' : 'unhealthy';
        rows.push({ upstream: upstream.name, target, address: `${address.ip}:${address.port}`, state });
      }
    }
  }
  return rows;
}
