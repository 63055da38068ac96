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
import { createNodePdk, createRequestPdk, pdkForPlugin, PluginLog, type Pdk, type PluginRequestContext } from '../pdk/index.ts';
import { logFailure } from './registry.ts';
import type { ConfiguredPlugin, PluginTable } from './table.ts';

type RunnablePhase = 'certificate' | 'rewrite' | 'access' | 'response' | 'header_filter' | 'body_filter' | 'log';

const UNEXPECTED = 'An unexpected error occurred';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function stringHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = typeof value === 'number' ? String(value) : value;
  return out;
}

/**
 * Runs the plugins of one request. Create it only when the table is not empty (the proxy's
 * passthrough path never allocates one).
 * @example
 * const run = new PluginRun(table, ctx);
 * await run.rewrite();
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

  /** True when some collected plugin implements `response`: the proxy must buffer the upstream response. */
  get needsResponseBuffering(): boolean {
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

  async certificate(): Promise<void> {
    if (!this.table.hasCertificate) return;
    await this.runList('certificate', this.table.globals, true);
  }

  async rewrite(): Promise<void> {
    if (!this.table.hasRewrite) return;
    await this.runList('rewrite', this.table.globals, true);
  }

  /** Kong's collecting phase; reads ctx.route/service (set by the proxy) and ctx.consumer as it changes. */
  async access(): Promise<void> {
    const ctx = this.ctx;
    const collected: ConfiguredPlugin[] = [];
    this.collected = collected;
    if (ctx.exit !== null) return;
    ctx.phase = 'access';
    const routeId = ctx.route?.id ?? null;
    const serviceId = ctx.service?.id ?? null;
    for (const entry of this.table.entries) {
      const definition = entry.plugin.definition;
      if (definition.access === undefined && !entry.collects) continue;
      const configured = entry.lookup(routeId, serviceId, ctx.consumer?.id ?? null);
      if (configured === null) continue;
      if (entry.collects) collected.push(configured);
      if (definition.access === undefined || ctx.exit !== null) continue;
      if (!(await this.invoke(configured, 'access'))) {
        this.failedPlugin = configured.plugin.name;
        this.pdk().response.exit(500, { message: UNEXPECTED });
      }
    }
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
    ctx.serviceResponse = { status, headers: stringHeaders(headers), body };
    const pluginSet = ctx.responseHeaders.toWire();
    ctx.responseHeaders.replaceAll(headers);
    for (const [name, value] of Object.entries(pluginSet)) ctx.responseHeaders.set(name, value);
    ctx.status = status;
    ctx.source = 'service';
  }

  async response(): Promise<void> {
    await this.runList('response', this.laterPhasePlugins(), true);
  }

  async headerFilter(): Promise<void> {
    await this.runList('header_filter', this.laterPhasePlugins(), true);
  }

  /**
   * Passes one body chunk through the body_filter handlers; returns what to send (possibly
   * empty while a plugin buffers the body for get_raw_body).
   */
  async bodyFilter(chunk: Buffer, eof: boolean): Promise<Buffer> {
    const ctx = this.ctx;
    ctx.chunk = chunk;
    ctx.eof = eof;
    await this.runList('body_filter', this.laterPhasePlugins(), false);
    return ctx.chunk ?? Buffer.alloc(0);
  }

  /** Runs after the client has its response; never rejects. */
  async log(): Promise<void> {
    await this.runList('log', this.laterPhasePlugins(), false);
  }

  /** Runs a phase over `list`; `stopOnExit` phases stop at a short circuit or a failure. */
  private async runList(phase: RunnablePhase, list: readonly ConfiguredPlugin[], stopOnExit: boolean): Promise<void> {
    this.ctx.phase = phase;
    for (const configured of list) {
      if (configured.plugin.definition[phase] === undefined) continue;
      if (stopOnExit && phase !== 'header_filter' && phase !== 'response' && this.ctx.exit !== null) return;
      if (await this.invoke(configured, phase)) continue;
      if (!stopOnExit) continue;
      this.failedPlugin = configured.plugin.name;
      // Outside access a plugin error reaches nginx's error page: Kong's template with request_id,
      // replacing whatever response was being prepared.
      if (phase === 'header_filter' || phase === 'response') this.ctx.responseHeaders.replaceAll({});
      this.pdk().response.error(500, UNEXPECTED);
      return;
    }
  }

  /** Calls one handler; false when it threw (already logged with the plugin name). */
  private async invoke(configured: ConfiguredPlugin, phase: RunnablePhase): Promise<boolean> {
    const handler = configured.plugin.definition[phase]!;
    try {
      const result = handler(this.pluginPdk(configured), configured.conf);
      if (isThenable(result)) await result;
      return true;
    } catch (error) {
      logFailure(configured.logger, configured.plugin.name, phase, error);
      return false;
    }
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
