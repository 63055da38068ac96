// Runs plugins written for Kong's JavaScript PDK (npm `kong-pdk`) in-process, without Kong's
// plugin server: such a module exports `Plugin` (a class constructed with the plugin's config,
// with async phase methods taking `kong`), `Schema` (an array of `{ field: { type, … } }`
// entries, Kong's Lua schema vocabulary), `Version` and `Priority` (and optionally `Name`).
// The `kong` they get is Portico's PDK: it already answers the camelCase spellings they await.
import type { FieldDef, FieldMap } from '../schema/index.ts';
import type { AnyPluginDefinition, PhaseHandler } from './define-plugin.ts';
import type { Pdk } from './pdk.ts';

/**
 * The shape of a `kong-pdk` module.
 * @example
 * module.exports = { Plugin: MyPlugin, Schema: [{ message: { type: 'string' } }], Version: '0.1.0', Priority: 0 };
 */
export interface KongPdkModule {
  /** Constructed with the plugin's config (any shape the plugin declares). */
  Plugin: new (config: any) => object;
  Schema?: unknown[];
  Version?: string;
  Priority?: number;
  Name?: string;
}

/**
 * True when `value` looks like a kong-pdk module (exports a `Plugin` class).
 * @example
 * if (isKongPdkModule(module)) definition = fromKongPdkModule(name, module);
 */
export function isKongPdkModule(value: unknown): value is KongPdkModule {
  return typeof value === 'object' && value !== null && typeof (value as { Plugin?: unknown }).Plugin === 'function';
}

const PDK_PHASES = ['certificate', 'rewrite', 'access', 'response', 'header_filter', 'body_filter', 'log'] as const;

/** Converts a Lua-style field list (`[{ name: def }, …]`) into a FieldMap, recursively. */
function fieldList(entries: unknown, where: string): FieldMap {
  if (!Array.isArray(entries)) throw new Error(`${where}: fields must be an array of { name: definition } entries`);
  const fields: Record<string, FieldDef> = {};
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) throw new Error(`${where}: invalid field entry`);
    for (const [name, definition] of Object.entries(entry as Record<string, unknown>)) {
      fields[name] = fieldDef(definition, `${where}.${name}`);
    }
  }
  return fields;
}

function fieldDef(definition: unknown, where: string): FieldDef {
  if (typeof definition !== 'object' || definition === null || typeof (definition as { type?: unknown }).type !== 'string') {
    throw new Error(`${where}: a field needs a type`);
  }
  const source = definition as Record<string, unknown>;
  const out: Record<string, unknown> = { ...source };
  if (source.type === 'record') out.fields = fieldList(source.fields ?? [], where);
  for (const nested of ['elements', 'keys', 'values'] as const) {
    if (source[nested] !== undefined) out[nested] = fieldDef(source[nested], `${where}.${nested}`);
  }
  return out as unknown as FieldDef;
}

/** kong-pdk reaches kong.ctx.shared through get/set calls; Portico's is a plain object. */
class SharedAccessor {
  private readonly shared: Record<string, unknown>;

  constructor(shared: Record<string, unknown>) {
    this.shared = shared;
  }

  get(key: string): unknown {
    return this.shared[key];
  }

  set(key: string, value: unknown): void {
    this.shared[key] = value;
  }
}

/**
 * kong-pdk methods are RPC calls: every one returns a promise and a failure rejects with
 * "PDK method kong.x.y failed: …". Plugins may chain `.then`, so synchronous results are
 * wrapped; nested namespaces (kong.service.request) are wrapped on access.
 */
function asyncNamespace<T extends object>(target: T, path: string): T {
  return new Proxy(target, {
    get(object, name, receiver) {
      const value = Reflect.get(object, name, receiver) as unknown;
      if (typeof name !== 'string') return value;
      if (typeof value === 'function') {
        return (...args: unknown[]) => {
          try {
            return Promise.resolve((value as (...a: unknown[]) => unknown).apply(object, args));
          } catch (error) {
            return Promise.reject(new Error(`PDK method ${path}.${name} failed: ${(error as Error).message}`));
          }
        };
      }
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value)) {
        return asyncNamespace(value, `${path}.${name}`);
      }
      return value;
    },
  });
}

function kongPdkView(kong: Pdk): Pdk {
  const view: Pdk = { ...kong, ctx: { shared: new SharedAccessor(kong.ctx.shared) as unknown as Record<string, unknown>, plugin: kong.ctx.plugin } };
  return asyncNamespace(view, 'kong');
}

/**
 * Wraps a kong-pdk module as a Portico plugin definition. One `Plugin` instance per plugin
 * config per config version (built in `prepare`), as the plugin server keeps one per config.
 * @example
 * const definition = fromKongPdkModule('js-hello', await import('./js-hello.js'));
 */
export function fromKongPdkModule(name: string, module: KongPdkModule): AnyPluginDefinition {
  const PluginClass = module.Plugin;
  const prototype = PluginClass.prototype as Record<string, unknown>;
  const definition: AnyPluginDefinition = {
    name: module.Name ?? name,
    version: module.Version ?? '0.0.0',
    priority: module.Priority ?? 0,
    schema: { config: { type: 'record', fields: fieldList(module.Schema ?? [], name) } },
    prepare: (conf: Record<string, unknown>) => new PluginClass(conf),
  };
  for (const phase of PDK_PHASES) {
    if (typeof prototype[phase] !== 'function') continue;
    const handler: PhaseHandler<Record<string, unknown>> = (kong, instance) =>
      (instance[phase] as (kong: Pdk) => Promise<void> | void).call(instance, kongPdkView(kong));
    definition[phase] = handler;
  }
  return definition;
}
