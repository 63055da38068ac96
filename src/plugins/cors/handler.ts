// cors — kong/plugins/cors/handler.lua: answers preflights (OPTIONS + Origin +
// Access-Control-Request-Method) itself with 200 and the Access-Control-* headers unless
// preflight_continue, and adds Access-Control-Allow-Origin/Credentials/Expose-Headers to every
// other response in header_filter. CORS never rejects a request.
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { compileOrigins, type OriginPolicy } from './origins.ts';
import { corsSchema } from './schema.ts';

type CorsConf = ConfOf<typeof corsSchema>;
type PreparedCors = CorsConf & { policy: OriginPolicy; allowHeaders: string | null; allowMethods: string; exposeHeaders: string | null };

const ALLOW_ORIGIN = 'Access-Control-Allow-Origin';

/** Vary: Origin (response caches key on it); in header_filter kept alongside the upstream's Vary. */
function addVaryOrigin(kong: Pdk, headerFilter: boolean): void {
  if (!headerFilter) {
    kong.response.set_header('Vary', 'Origin');
    return;
  }
  const vary = kong.response.get_header('vary');
  if (vary !== undefined && vary.split(/[,\s]+/).some((element) => element.toLowerCase() === 'origin' || element === '*')) return;
  kong.response.add_header('Vary', 'Origin');
}

/** Kong's configure_origin: returns whether every origin is allowed (`*`). */
function configureOrigin(kong: Pdk, conf: PreparedCors, headerFilter: boolean): boolean {
  if (conf.policy.allowAll) {
    kong.response.set_header(ALLOW_ORIGIN, '*');
    return true;
  }
  addVaryOrigin(kong, headerFilter);
  if (conf.policy.fixed !== null) {
    kong.response.set_header(ALLOW_ORIGIN, conf.policy.fixed);
    return false;
  }
  const origin = kong.request.get_header('origin');
  const allowed = origin === undefined ? null : conf.policy.match(origin);
  if (allowed !== null) kong.response.set_header(ALLOW_ORIGIN, allowed);
  else kong.response.clear_header(ALLOW_ORIGIN);
  return false;
}

/** Credentials cannot go with `*`: Kong echoes the request Origin instead. */
function configureCredentials(kong: Pdk, conf: PreparedCors, allowAll: boolean, headerFilter: boolean): void {
  if (!conf.credentials) return;
  if (!allowAll) {
    kong.response.set_header('Access-Control-Allow-Credentials', 'true');
    return;
  }
  const origin = kong.request.get_header('origin');
  if (origin === undefined) return;
  addVaryOrigin(kong, headerFilter);
  kong.response.set_header(ALLOW_ORIGIN, origin);
  kong.response.set_header('Access-Control-Allow-Credentials', 'true');
}

export const plugin = definePlugin({
  name: 'cors',
  version: KONG_VERSION,
  priority: 2000,
  schema: corsSchema,
  prepare(conf): PreparedCors {
    return {
      ...conf,
      policy: compileOrigins(conf.origins),
      allowHeaders: conf.headers !== null && conf.headers.length > 0 ? conf.headers.join(',') : null,
      allowMethods: conf.methods.join(','),
      exposeHeaders: conf.exposed_headers !== null && conf.exposed_headers.length > 0 ? conf.exposed_headers.join(',') : null,
    };
  },
  access(kong, conf) {
    const request = kong.request;
    if (request.get_method() !== 'OPTIONS' || request.get_header('origin') === undefined
      || request.get_header('access-control-request-method') === undefined) return;
    // A preflight: the upstream (preflight_continue) or this answer owns the CORS headers.
    kong.ctx.plugin.skip_response_headers = true;
    if (conf.preflight_continue) return;
    const allowAll = configureOrigin(kong, conf, false);
    configureCredentials(kong, conf, allowAll, false);
    const requested = request.get_header('access-control-request-headers');
    const allowHeaders = conf.allowHeaders ?? requested;
    if (allowHeaders !== undefined) kong.response.set_header('Access-Control-Allow-Headers', allowHeaders);
    else kong.response.clear_header('Access-Control-Allow-Headers');
    kong.response.set_header('Access-Control-Allow-Methods', conf.allowMethods);
    if (conf.max_age !== null) kong.response.set_header('Access-Control-Max-Age', String(conf.max_age));
    if (conf.private_network && request.get_header('access-control-request-private-network') === 'true') {
      kong.response.set_header('Access-Control-Allow-Private-Network', 'true');
    }
    kong.response.exit(200);
  },
  header_filter(kong, conf) {
    if (kong.ctx.plugin.skip_response_headers === true) return;
    if (!conf.allow_origin_absent && kong.request.get_header('origin') === undefined) return;
    const allowAll = configureOrigin(kong, conf, true);
    configureCredentials(kong, conf, allowAll, true);
    if (conf.exposeHeaders !== null) kong.response.set_header('Access-Control-Expose-Headers', conf.exposeHeaders);
  },
});
