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

  /** Kong's basic log serializer for the current request (from the proxy), or a minimal one. */
  serialize(): Record<string, unknown> {
    const ctx = this.ctx;
    if (ctx === null) throw new Error('serialize can only be called while serving a request');
    if (ctx.serialize !== undefined) return ctx.serialize();
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

/**
 * A plugin-bound kong.log.
 * @example
 * const log = createPluginLog(logger, 'key-auth', ctx);
 */
export function createPluginLog(logger: Logger, pluginName: string, ctx: PluginRequestContext | null): PluginLog {
  return new PluginLog(logger.child({ plugin: pluginName }), ctx);
}
