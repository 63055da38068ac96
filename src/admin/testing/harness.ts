// Test support: a real Admin (or Status) API server on 127.0.0.1:0 over a memory store, with an
// applyConfig that swaps the store the way main.ts does. Used by test/integration/admin-*.test.ts.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadSettings } from '../../config/index.ts';
import type { Settings } from '../../config/types.ts';
import { createLogger } from '../../core/logger.ts';
import type { EntitySet } from '../../entities/types.ts';
import { createMemoryStore } from '../../store/memory/index.ts';
import type { Store } from '../../store/types.ts';
import { createAdminServer } from '../admin-server.ts';
import { createStatusServer } from '../status-server.ts';
import type { AdminDeps, AvailablePlugin, TargetHealthSource } from '../types.ts';

export interface HarnessOptions {
  /** `off` (DB-less, the default) or a database kind so writes go through. */
  database?: 'off' | 'sqlite' | 'postgres';
  /** Extra kong.conf properties (`headers`, `admin_gui_origin`, …). */
  overrides?: Record<string, string>;
  initial?: EntitySet;
  /** Initial config hash (DB-less); null = never loaded. */
  hash?: string | null;
  availablePlugins?: Record<string, AvailablePlugin>;
  status?: boolean;
  upstreamHealth?: TargetHealthSource;
  /** A store to serve instead of a fresh memory store (SQLite/Postgres integration tests). */
  store?: Store;
  /** Runs before the store swap of applyConfig (delay it, or throw to make the load fail). */
  beforeApply?: () => Promise<void>;
}

export interface Harness {
  url: string;
  settings: Settings;
  store(): Store;
  hash(): string | null;
  applied: Array<{ hash: string }>;
  close(): Promise<void>;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const settings = loadSettings({
    env: {},
    overrides: { database: options.database ?? 'off', ...options.overrides },
  });
  let store = options.store ?? createMemoryStore(options.initial);
  let hash = options.hash === undefined ? null : options.hash;
  const applied: Array<{ hash: string }> = [];
  const deps: AdminDeps = {
    settings,
    store: () => store,
    applyConfig: async (result) => {
      await options.beforeApply?.();
      store = createMemoryStore(result.entities);
      hash = result.hash;
      applied.push({ hash: result.hash });
    },
    getConfigHash: () => hash,
    nodeId: '7f6c4c8e-2a41-4b8e-9d5b-3a3f4c2d1e0f',
    logger: createLogger('crit'),
    ...(options.availablePlugins ? { availablePlugins: () => options.availablePlugins! } : {}),
    ...(options.upstreamHealth ? { upstreamHealth: options.upstreamHealth } : {}),
  };
  const server = options.status ? createStatusServer(deps) : createAdminServer(deps);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    settings,
    store: () => store,
    hash: () => hash,
    applied,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** fetch + JSON body (when any); objects given as `json` are sent as application/json. */
export async function call(base: string, method: string, path: string, init: { json?: unknown; body?: string | Uint8Array | FormData | URLSearchParams; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}
