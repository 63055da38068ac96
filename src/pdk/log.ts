// kong.log: Kong's levels, arguments concatenated like Kong's (no separator, tables inspected),
// bound to the running plugin's name. Plugins must not pass secrets; nothing here adds any.
import type { Logger } from '../core/logger.ts';
import type { PluginRequestContext } from './context.ts';

function text(args: readonly unknown[]): string {
  let out = '';
  for (const arg of args) {
    if (typeof arg === 'string') out += arg;
    else if (arg instanceof Error) out += arg.message;
    else if (typeof arg === 'object' && arg !== null) {
      try { out += JSON.stringify(arg); } catch { out += String(arg); }
    } else out += String(arg);
  }
  return out;
}

/**
 * kong.log for one plugin (and request, when there is one).
 * @example
 * kong.log.err('could not reach ', host, ': ', error.message);
 */
export class PluginLog {
  private readonly logger: Logger;
  private readonly ctx: PluginRequestContext | null;

  constructor(logger: Logger, ctx: PluginRequestContext | null) {
    this.logger = logger;
    this.ctx = ctx;
  }

  private fields(): Record<string, unknown> | undefined {
    return this.ctx === null ? undefined : { request_id: this.ctx.requestId };
  }

  debug(...args: unknown[]): void { this.logger.debug(text(args), this.fields()); }
  info(...args: unknown[]): void { this.logger.info(text(args), this.fields()); }
  notice(...args: unknown[]): void { this.logger.notice(text(args), this.fields()); }
  warn(...args: unknown[]): void { this.logger.warn(text(args), this.fields()); }
  err(...args: unknown[]): void { this.logger.error(text(args), this.fields()); }
  crit(...args: unknown[]): void { this.logger.crit(text(args), this.fields()); }
  alert(...args: unknown[]): void { this.logger.crit(text(args), this.fields()); }
  emerg(...args: unknown[]): void { this.logger.crit(text(args), this.fields()); }
  /** Pretty-prints values at debug level (Kong's kong.log.inspect). */
  inspect(...args: unknown[]): void { this.logger.debug(args.map((arg) => JSON.stringify(arg, null, 2)).join(' '), this.fields()); }

  /**
   * Kong's kong.log.set_serialize_value(key, value): `key` is dotted (`ai.proxy`), the value
   * appears at that path in every later kong.log.serialize() of this request (mode `set`).
   */
  set_serialize_value(key: string, value: unknown): void {
    const ctx = this.ctx;
    if (ctx === null) throw new Error('set_serialize_value can only be called while serving a request');
    if (typeof key !== 'string' || key === '') throw new Error('key must be a non-empty string');
    (ctx.serializeValues ??= new Map()).set(key, value);
  }

  /** Kong's basic log serializer for the current request (from the proxy), or a minimal one. */
  serialize(): Record<string, unknown> {
    const ctx = this.ctx;
    if (ctx === null) throw new Error('serialize can only be called while serving a request');
    const record = ctx.serialize !== undefined ? ctx.serialize() : this.minimalRecord(ctx);
    if (ctx.serializeValues !== null) for (const [key, value] of ctx.serializeValues) setPath(record, key, value);
    return record;
  }

  private minimalRecord(ctx: PluginRequestContext): Record<string, unknown> {
    return {
      // Headers are left out: they may carry credentials (Authorization, apikey).
      request: { method: ctx.request.method, uri: ctx.request.path },
      response: { status: ctx.status },
      route: ctx.route, service: ctx.service,
      consumer: ctx.consumer,
      client_ip: ctx.client.forwardedIp,
    };
  }
}

/** Sets `record[a][b]…` for the dotted key, creating plain objects on the way. */
function setPath(record: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = record;
  for (let index = 0; index < parts.length - 1; index++) {
    const part = parts[index]!;
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

/**
 * A plugin-bound kong.log.
 * @example
 * const log = createPluginLog(logger, 'key-auth', ctx);
 */
export function createPluginLog(logger: Logger, pluginName: string, ctx: PluginRequestContext | null): PluginLog {
  return new PluginLog(logger.child({ plugin: pluginName }), ctx);
}
