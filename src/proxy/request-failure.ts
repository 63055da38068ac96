// A bug on the proxy path costs that request a 500 (Kong's error page), never the worker: logged,
// and the connection closed. Once the head went out, only the connection can be cut.
import type { ProxyContext } from './context.ts';
import { sendNginxError } from './error-response.ts';

export function failProxyRequest(ctx: ProxyContext, error: unknown): void {
  const req = ctx.req;
  ctx.snapshot.plugins.environment.logger.error('proxy request failed', { error: error as Error, url: req.url });
  if (ctx.res.headersSent) { ctx.res.destroy(); return; }
  sendNginxError(ctx.res, ctx, req.headers.accept, req.headers['content-type'], ctx.snapshot.settings.error_default_type, 500, true);
}
