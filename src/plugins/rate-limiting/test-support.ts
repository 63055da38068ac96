// Shared setup of the rate-limiting tests: a route/service, configs validated through the
// plugins entity (defaults filled, as the store holds them) and a harness per config.
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import type { PdkDb } from '../../pdk/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

export const service = makeService({ name: 'svc' });
export const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerPluginSchema(plugin.name, plugin.schema);

export function validConfig(config: Record<string, unknown>): Record<string, unknown> {
  return entityDefinitions.plugins.validate({ name: 'rate-limiting', config }, 'insert').config as Record<string, unknown>;
}

export async function rateLimited(config: Record<string, unknown>, options: { db?: PdkDb } = {}) {
  const harness = await createPluginHarness({
    plugins: [plugin], rows: [pluginRow('rate-limiting', validConfig(config), { route: route.id })], db: options.db,
  });
  return {
    harness,
    send: (request: Parameters<typeof harness.request>[0] = {}) => harness.request({ route, service, ...request }),
  };
}

/** A key no other test (or earlier run within the same window) uses. */
export const uniqueIp = (): string => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
