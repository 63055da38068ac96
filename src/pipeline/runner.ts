// The phase runner for one request (Kong's plugins_iterator + kong/init.lua phase handlers):
//  * certificate/rewrite run global plugins only (routing has not happened yet);
//  * access walks every configured plugin in execution order and looks its config up lazily,
//    after the plugins before it ran — so an auth plugin's consumer selects consumer-scoped
//    configs of later plugins; it collects the configs the later phases use;
//  * a short circuit (kong.response.exit/error) skips the remaining access handlers, but the
//    walk keeps collecting, so header_filter/body_filter/log still run for the request;
//  * when access never ran (no route matched, rewrite exited) the later phases run the globals;
//  * a handler that throws is logged with the plugin name; in access the client gets Kong's
//    500 `{"message":"An unexpected error occurred"}`; log/body_filter failures are only logged.
import { createNodePdk, createRequestPdk, pdkForPlugin, PluginLog, withoutOverlay, type HeaderUndo, type Pdk, type PluginRequestContext, type ServiceResponseView } from '../pdk/index.ts';
import { logFailure } from './registry.ts';
import type { ConfiguredPlugin, PluginTable } from './table.ts';

type RunnablePhase = 'certificate' | 'rewrite' | 'access' | 'response' | 'header_filter' | 'body_filter' | 'log';

const UNEXPECTED = 'An unexpected error occurred';
const EMPTY = Buffer.alloc(0);

/** A phase's completion: undefined when every handler was synchronous (no await needed). */
export type Pending = Promise<void> | undefined;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function stringHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = typeof value === 'number' ? String(value) : value;
  return out;
}

/**
 * kong.service.response: the upstream's status, headers and (buffered) body. The lower-cased
 * header view is built only if a plugin asks for it — most requests never do.
 */
class ServiceResponse implements ServiceResponseView {
  readonly status: number;
  readonly body: Buffer | null;
  private readonly raw: Record<string, string | string[] | number | undefined>;
  private readonly undo: HeaderUndo | null;
  private view: Record<string, string | string[] | undefined> | null = null;

  constructor(status: number, raw: Record<string, string | string[] | number | undefined>, body: Buffer | null, undo: HeaderUndo | null = null) {
    this.status = status;
    this.raw = raw;
    this.body = body;
    this.undo = undo;
  }

  get headers(): Record<string, string | string[] | undefined> {
    return (this.view ??= stringHeaders(this.undo === null ? this.raw : withoutOverlay(this.raw, this.undo)));
  }
}

/**
 * Runs the plugins of one request. Create it only when the table is not empty (the proxy's
 * passthrough path never allocates one).
 * @example
 * const run = new PluginRun(table, ctx);
 * await run.rewrite();            // `await` of undefined is fine; hot paths may check `!== undefined` first
 * if (ctx.exit === null) { route…; await run.access(); }
 * if (ctx.exit !== null) { ctx.status = ctx.exit.status; await run.headerFilter(); send(ctx.exit); }
 * res.on('finish', () => void run.log());
 */
export class PluginRun {
  readonly ctx: PluginRequestContext;
  private readonly table: PluginTable;
  private base: Pdk | null = null;
  /** Each plugin's `kong` view, made on its first phase and reused by its later ones. */
  private views: Map<ConfiguredPlugin, Pdk> | null = null;
  /** Configs collected by access; null until access ran (later phases then use the globals). */
  private collected: ConfiguredPlugin[] | null = null;
  /** Name of the plugin whose handler threw, if any (Kong marks the request "unexpected"). */
  failedPlugin: string | null = null;

  constructor(table: PluginTable, ctx: PluginRequestContext) {
    this.table = table;
    this.ctx = ctx;
  }

  /** True when some collected plugin implements `response`, or one called kong.service.request.enable_buffering(). */
  get needsResponseBuffering(): boolean {
    if (this.ctx.upstream.bufferResponse) return true;
    return this.laterPhasePlugins().some((configured) => configured.plugin.definition.response !== undefined);
  }

  /** True when some plugin will see body chunks (the proxy routes the body through bodyFilter). */
  get hasBodyFilter(): boolean {
    return this.laterPhasePlugins().some((configured) => configured.plugin.definition.body_filter !== undefined);
  }

  /** The plugins the post-access phases run, in order. */
  laterPhasePlugins(): readonly ConfiguredPlugin[] {
    return this.collected ?? this.table.globals;
  }

  /** Global plugins' certificate handlers. Returns a promise only when a handler was async. */
  certificate(): Pending {
    if (!this.table.hasCertificate) return undefined;
    return this.runList('certificate', this.table.globals, true, 0);
  }

  /** Global plugins' rewrite handlers (before routing). */
  rewrite(): Pending {
    if (!this.table.hasRewrite) return undefined;
    return this.runList('rewrite', this.table.globals, true, 0);
  }

  /** Kong's collecting phase; reads ctx.route/service (set by the proxy) and ctx.consumer as it changes. */
  access(): Pending {
    this.collected = [];
    if (this.ctx.exit !== null) return undefined;
    return this.accessFrom(0);
  }

  private accessFrom(start: number): Pending {
    const ctx = this.ctx;
    const collected = this.collected!;
    const entries = this.table.entries;
    ctx.phase = 'access';
    const routeId = ctx.route?.id ?? null;
    const serviceId = ctx.service?.id ?? null;
    for (let index = start; index < entries.length; index++) {
      const entry = entries[index]!;
      const definition = entry.plugin.definition;
      if (definition.access === undefined && !entry.collects) continue;
      const configured = entry.lookup(routeId, serviceId, ctx.consumer?.id ?? null);
      if (configured === null) continue;
      if (entry.collects) collected.push(configured);
      if (definition.access === undefined || ctx.exit !== null) continue;
      const outcome = this.invoke(configured, 'access');
      if (outcome === false) this.accessFailed(configured);
      else if (outcome !== true) {
        return outcome.then((ok) => {
          if (!ok) this.accessFailed(configured);
          return this.accessFrom(index + 1);
        });
      }
    }
    return undefined;
  }

  /** Kong's delayed 500 for a failing access handler: plain JSON, no request_id. */
  private accessFailed(configured: ConfiguredPlugin): void {
    this.failedPlugin = configured.plugin.name;
    this.ctx.phase = 'access';
    this.pdk().response.exit(500, { message: UNEXPECTED });
  }

  /**
   * A gateway-generated short circuit (e.g. the proxy's 404 no-route, 426, 503) recorded like
   * kong.response.exit, so header_filter/body_filter/log plugins see it as Kong's do.
   */
  exit(status: number, body?: unknown, headers?: Record<string, string | number | string[]>): void {
    this.ctx.phase = 'access';
    this.pdk().response.exit(status, body, headers);
  }

  /** As `exit`, with kong.response.error's template and request_id. */
  error(status: number, message?: string, headers?: Record<string, string | number | string[]>): void {
    this.ctx.phase = 'access';
    this.pdk().response.error(status, message, headers);
  }

  /**
   * Records the upstream's answer before response/header_filter: headers set by plugins during
   * access (kong.response.set_header) override the upstream's of the same name.
   */
  beginServiceResponse(status: number, headers: Record<string, string | string[] | number | undefined>, body: Buffer | null): void {
    const ctx = this.ctx;
    ctx.serviceResponse = new ServiceResponse(status, headers, body);
    if (ctx.responseHeaders.size === 0) {
      ctx.responseHeaders.replaceAll(headers);
    } else {
      // Headers plugins set before the upstream answered win over the upstream's.
      const pluginSet = ctx.responseHeaders.toWire();
      ctx.responseHeaders.replaceAll(headers);
      for (const [name, value] of Object.entries(pluginSet)) ctx.responseHeaders.set(name, value);
    }
    ctx.status = status;
    ctx.source = 'service';
  }

  /**
   * True when a plugin of the later phases sees a streamed response on its way out
   * (header_filter or body_filter; a `response` handler buffers, see needsResponseBuffering).
   * When none does, the proxy writes the upstream's head itself through `beginDirectResponse`.
   */
  get filtersResponse(): boolean {
    // A loop, not .some(): this runs for every proxied response with plugins.
    for (const configured of this.laterPhasePlugins()) {
      const definition = configured.plugin.definition;
      if (definition.header_filter !== undefined || definition.body_filter !== undefined) return true;
    }
    return false;
  }

  /**
   * beginServiceResponse for a response no plugin filters: the headers plugins set during access
   * are written over `headers` (the object the proxy then sends), and the response headers the
   * log phase may read are loaded from it only if a plugin asks.
   */
  beginDirectResponse(status: number, headers: Record<string, string | string[] | number | undefined>): void {
    const ctx = this.ctx;
    // kong.service.response keeps the upstream's own headers: it can undo the overlay if asked.
    const undo = ctx.responseHeaders.size === 0 ? null : ctx.responseHeaders.overlay(headers);
    ctx.serviceResponse = new ServiceResponse(status, headers, null, undo);
    ctx.responseHeaders.defer(headers);
    ctx.status = status;
    ctx.source = 'service';
  }

  response(): Pending {
    return this.runList('response', this.laterPhasePlugins(), true, 0);
  }

  headerFilter(): Pending {
    return this.runList('header_filter', this.laterPhasePlugins(), true, 0);
  }

  /**
   * Passes one body chunk through the body_filter handlers; returns what to send (possibly
   * empty while a plugin buffers the body for get_raw_body).
   */
  bodyFilter(chunk: Buffer, eof: boolean): Buffer | Promise<Buffer> {
    const ctx = this.ctx;
    ctx.chunk = chunk;
    ctx.eof = eof;
    const pending = this.runList('body_filter', this.laterPhasePlugins(), false, 0);
    if (pending === undefined) return ctx.chunk ?? EMPTY;
    return pending.then(() => ctx.chunk ?? EMPTY);
  }

  /** Runs after the client has its response; never rejects. */
  log(): Pending {
    return this.runList('log', this.laterPhasePlugins(), false, 0);
  }

  /**
   * Runs a phase over `list` from `start`, synchronously until a handler returns a promise;
   * `stopOnExit` phases stop at a short circuit or a failure.
   */
  private runList(phase: RunnablePhase, list: readonly ConfiguredPlugin[], stopOnExit: boolean, start: number): Pending {
    this.ctx.phase = phase;
    for (let index = start; index < list.length; index++) {
      const configured = list[index]!;
      if (configured.plugin.definition[phase] === undefined) continue;
      if (stopOnExit && phase !== 'header_filter' && phase !== 'response' && this.ctx.exit !== null) return undefined;
      const outcome = this.invoke(configured, phase);
      if (outcome === true) continue;
      if (outcome === false) {
        if (this.phaseFailed(phase, configured, stopOnExit)) return undefined;
        continue;
      }
      return outcome.then((ok) => {
        if (!ok && this.phaseFailed(phase, configured, stopOnExit)) return undefined;
        return this.runList(phase, list, stopOnExit, index + 1);
      });
    }
    return undefined;
  }

  /** Handles a failed handler outside access; true when the phase must stop. */
  private phaseFailed(phase: RunnablePhase, configured: ConfiguredPlugin, stopOnExit: boolean): boolean {
    if (!stopOnExit) return false;
    this.failedPlugin = configured.plugin.name;
    this.ctx.phase = phase;
    // Outside access a plugin error reaches nginx's error page: Kong's template with request_id,
    // replacing whatever response was being prepared.
    if (phase === 'header_filter' || phase === 'response') this.ctx.responseHeaders.replaceAll({});
    this.pdk().response.error(500, UNEXPECTED);
    return true;
  }

  /** Calls one handler: true/false (threw, logged with the plugin name), or a promise of that. */
  private invoke(configured: ConfiguredPlugin, phase: RunnablePhase): boolean | Promise<boolean> {
    const handler = configured.plugin.definition[phase]!;
    let result: unknown;
    try {
      result = handler(this.pluginPdk(configured), configured.conf);
    } catch (error) {
      logFailure(configured.logger, configured.plugin.name, phase, error);
      return false;
    }
    if (!isThenable(result)) return true;
    return Promise.resolve(result).then(() => true, (error: unknown) => {
      logFailure(configured.logger, configured.plugin.name, phase, error);
      return false;
    });
  }

  private pdk(): Pdk {
    if (this.base === null) {
      const node = this.table.nodePdks.values().next().value ?? createNodePdk(this.table.environment, 'kong');
      this.base = createRequestPdk(node, this.table.environment, this.ctx);
    }
    return this.base;
  }

  private pluginPdk(configured: ConfiguredPlugin): Pdk {
    this.views ??= new Map();
    let view = this.views.get(configured);
    if (view === undefined) {
      view = pdkForPlugin(this.pdk(), this.ctx, configured.plugin.name, new PluginLog(configured.logger, this.ctx));
      this.views.set(configured, view);
    }
    return view;
  }
}
