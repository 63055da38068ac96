// GET/POST /config (kong/api/routes/config.lua), DB-less only. Parsing and validation belong to
// store/declarative; applying the result on every worker belongs to main.ts (deps.applyConfig).
import type { EntitySet } from '../../entities/types.ts';
import { exportDeclarative, flattenEntities, loadDeclarative } from '../../store/declarative/index.ts';
import type { AdminContext, AdminDeps, AdminReply, RouteHandler } from '../types.ts';
import { AdminHttpError } from '../http/errors.ts';
import type { AdminRouter } from '../http/router.ts';
import type { CrudEntities } from '../crud/definition.ts';

const ONLY_DBLESS = 'this endpoint is only available when Kong is configured to not use a database';
const TRUTHY = new Set(['1', 'true', 'on', 'yes']);
/** Query options Kong strips before a posted JSON body is read as the configuration itself. */
const OPTION_KEYS = ['check_hash', 'flatten_errors'];

function requireDbless(deps: AdminDeps): void {
  if (deps.settings.database !== 'off') throw new AdminHttpError(400, { message: ONLY_DBLESS });
}

async function currentEntities(deps: AdminDeps, entities: CrudEntities): Promise<EntitySet> {
  const store = deps.store();
  const out: Record<string, unknown[]> = {};
  for (const name of Object.keys(entities)) out[name] = await store.all(name);
  return out as EntitySet;
}

/**
 * What was posted: the JSON body itself when it carries `_format_version`, else the `config`
 * argument (JSON, form or multipart), else the raw body text (YAML or JSON).
 */
function postedConfig(ctx: AdminContext): string | Record<string, unknown> {
  const { kind, args, text } = ctx.body;
  if (kind === 'json' && args._format_version !== undefined) {
    const document = { ...args };
    for (const key of OPTION_KEYS) delete document[key];
    return document;
  }
  const config = args.config;
  if (typeof config === 'string' && config !== '') return config;
  if (config !== null && typeof config === 'object' && !Array.isArray(config)) return config as Record<string, unknown>;
  if (text.length > 0) return text;
  throw new AdminHttpError(400, { message: 'expected a declarative configuration' });
}

/**
 * Kong's answers when loading fails after validation (kong/api/routes/config.lua): a load already
 * running → 429, shutting down → 503, the reload not confirmed in time → 504.
 */
function loadFailure(error: unknown): AdminHttpError {
  const message = error instanceof Error ? error.message : String(error);
  if (/exiting|shutting down/i.test(message)) return new AdminHttpError(503, { message: 'Kong currently exiting' });
  if (/time(d)? ?out/i.test(message)) return new AdminHttpError(504, { message: 'Timed out while loading configuration' });
  return new AdminHttpError(500, { message: 'An unexpected error occurred' });
}

/** One configuration load at a time per server, as Kong's declarative lock. */
interface LoadLock { loading: boolean }

/** Kong reads options from `self.params`: the query string or the body's own fields. */
function option(ctx: AdminContext, name: string): string | null {
  const fromQuery = ctx.query.get(name);
  if (fromQuery !== null) return fromQuery;
  const fromBody = ctx.body.args[name];
  return typeof fromBody === 'string' || typeof fromBody === 'number' || typeof fromBody === 'boolean' ? String(fromBody) : null;
}

async function postConfig(ctx: AdminContext, deps: AdminDeps, lock: LoadLock): Promise<AdminReply> {
  requireDbless(deps);
  if (lock.loading) {
    throw new AdminHttpError(429, { message: 'Currently loading previous configuration' }, { 'Retry-After': '1' });
  }
  const input = postedConfig(ctx);
  const flattenErrors = TRUTHY.has((option(ctx, 'flatten_errors') ?? '').toLowerCase());
  const plugins = deps.availablePlugins?.();
  const { entities, hash } = loadDeclarative(input, plugins ? { flattenErrors, pluginNames: Object.keys(plugins) } : { flattenErrors });
  // check_hash only compares configurations sent as text, whose hash is that of the raw bytes.
  if (option(ctx, 'check_hash') === '1' && typeof input === 'string' && hash === deps.getConfigHash()) {
    return { status: 304 };
  }
  lock.loading = true;
  try {
    await deps.applyConfig({ entities, hash });
  } catch (error) {
    deps.logger.error('POST /config: could not apply the configuration', { error: error instanceof Error ? error : String(error) });
    throw loadFailure(error);
  } finally {
    lock.loading = false;
  }
  return { status: 201, body: flattenEntities(entities) };
}

export function registerConfigRoutes(router: AdminRouter<RouteHandler>, deps: AdminDeps, entities: CrudEntities): void {
  router.add('GET', '/config', {
    handle: async () => {
      requireDbless(deps);
      return { status: 200, body: { config: exportDeclarative(await currentEntities(deps, entities)) } };
    },
  });
  const lock: LoadLock = { loading: false };
  router.add('POST', '/config', { acceptYaml: true, handle: (ctx) => postConfig(ctx, deps, lock) });
}
