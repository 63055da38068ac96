// GET /status (kong/api/routes/health.lua) for both the Admin and the Status API, and the
// Status API's readiness probe (kong/status/ready.lua).
import type { AdminContext, AdminReply, ServerCounters, StatusDeps } from '../types.ts';
import { AdminHttpError } from '../http/errors.ts';

/** Kong's DECLARATIVE_EMPTY_CONFIG_HASH. */
export const EMPTY_CONFIG_HASH = '0'.repeat(32);

const UNITS: Record<string, { factor: number; label: string }> = {
  k: { factor: 1024, label: 'KiB' },
  m: { factor: 1024 ** 2, label: 'MiB' },
  g: { factor: 1024 ** 3, label: 'GiB' },
};

/** kong.node.get_memory_stats formatting: bytes as a number for unit b, else "%.<scale>f <unit>". */
function memoryFormatter(query: URLSearchParams): (bytes: number) => number | string {
  const unitRaw = query.get('unit') ?? 'm';
  const scaleRaw = query.get('scale');
  const unit = unitRaw.toLowerCase();
  if (unit !== 'b' && !UNITS[unit]) {
    throw new AdminHttpError(400, { message: `invalid unit '${unitRaw}' (expected 'k/K', 'm/M', or 'g/G')` });
  }
  const scale = scaleRaw === null ? 2 : Number(scaleRaw);
  if (!Number.isInteger(scale) || scale < 0 || scale > 20) {
    throw new AdminHttpError(400, { message: `invalid scale: '${scaleRaw}' (expected a non-negative integer)` });
  }
  if (unit === 'b') return (bytes) => Math.floor(bytes);
  const { factor, label } = UNITS[unit]!;
  return (bytes) => `${(bytes / factor).toFixed(scale)} ${label}`;
}

export async function statusBody(deps: StatusDeps, counters: () => ServerCounters, query: URLSearchParams): Promise<Record<string, unknown>> {
  const format = memoryFormatter(query);
  const memory = process.memoryUsage();
  const body: Record<string, unknown> = {
    memory: {
      // One JS heap per worker stands in for Kong's per-worker Lua VM.
      workers_lua_vms: [{ pid: process.pid, http_allocated_gc: format(memory.heapUsed) }],
      // Portico has no nginx shared dictionaries; the key stays for clients that read it.
      lua_shared_dicts: {},
    },
    server: (await deps.counters?.()) ?? counters(),
  };
  if (deps.settings.database === 'off' || deps.settings.role === 'data_plane') {
    body.configuration_hash = deps.getConfigHash() ?? EMPTY_CONFIG_HASH;
  } else {
    body.database = { reachable: (await databaseReachable(deps)) ?? true };
  }
  return body;
}

/** Whether the datastore answers a trivial read; null when the node has none (DB-less, data plane). */
export async function databaseReachable(deps: StatusDeps): Promise<boolean | null> {
  if (deps.settings.database === 'off' || deps.settings.role === 'data_plane') return null;
  try {
    await deps.store().page('services', { size: 1 });
    return true;
  } catch {
    return false;
  }
}

export function statusHandler(deps: StatusDeps, counters: () => ServerCounters): (ctx: AdminContext) => Promise<AdminReply> {
  return async (ctx) => ({ status: 200, body: await statusBody(deps, counters, ctx.query) });
}

/** The reason this node should not get traffic yet, or null when ready. */
export function notReadyReason(deps: StatusDeps, draining: boolean): string | null {
  if (draining) return 'draining';
  const extra = deps.readiness?.() ?? null;
  if (extra !== null) return extra;
  if (deps.settings.database === 'off' && deps.settings.role !== 'control_plane') {
    const hash = deps.getConfigHash();
    if (hash === null || hash === '') return 'no configuration available (configuration hash is not initialized)';
    if (hash === EMPTY_CONFIG_HASH) return 'no configuration available (empty configuration present)';
  }
  return null;
}
