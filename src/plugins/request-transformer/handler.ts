// request-transformer — kong/plugins/request-transformer/access.lua: rewrites the request before
// it goes upstream. Order as Kong: replace.uri → http_method → headers → body → querystring;
// values may be templates over the original request (see template.ts).
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { transformBody } from './body.ts';
import { applyOperations, hasOperations, type Bag, type Entry, type Operations } from './operations.ts';
import { requestTransformerSchema, splitEntry } from './schema.ts';
import { compileTemplate, renderTemplate, type CompiledTemplate, type TemplateEnvironment } from './template.ts';

type RequestTransformerConf = ConfOf<typeof requestTransformerSchema>;
type Target = 'headers' | 'querystring' | 'body';

interface Prepared {
  httpMethod: string | null;
  uri: CompiledTemplate | null;
  headers: Operations;
  querystring: Operations;
  body: Operations;
}

function entries(list: readonly string[] | undefined): Entry[] {
  return (list ?? []).map((item) => {
    const [name, value] = splitEntry(item);
    return { name, raw: value, value: compileTemplate(value) };
  });
}

function operationsFor(conf: RequestTransformerConf, target: Target): Operations {
  return {
    remove: [...(conf.remove[target] ?? [])],
    rename: entries(conf.rename[target]),
    replace: entries(conf.replace[target]),
    add: entries(conf.add[target]),
    append: entries(conf.append[target]),
  };
}

function firstValue(value: unknown): string | undefined {
  if (Array.isArray(value)) return firstValue(value[0]);
  if (typeof value === 'string') return value;
  return value === true ? '' : undefined;
}

/** The tables templates read: the request as the client sent it, loaded on first use. */
function templateEnvironment(kong: Pdk): TemplateEnvironment {
  let captures: ReturnType<Pdk['request']['get_uri_captures']> | null = null;
  return {
    headers: (name) => kong.request.get_header(name),
    query_params: (name) => firstValue(kong.request.get_query()[name]),
    uri_captures: (name) => {
      captures ??= kong.request.get_uri_captures();
      return captures.named[name] ?? (/^\d+$/.test(name) ? captures.unnamed[Number(name)] : undefined);
    },
    shared: (name) => {
      const value = kong.ctx.shared[name];
      return value === undefined || value === null ? undefined : String(value);
    },
  };
}

const headerKey = (name: string): string => name.toLowerCase();

function transformHeaders(kong: Pdk, operations: Operations, environment: TemplateEnvironment): void {
  if (!hasOperations(operations)) return;
  const original = kong.request.get_headers();
  const bag: Bag = new Map(Object.entries(original).map(([name, value]) => [headerKey(name), value]));
  // Kong: `host` may always be replaced (it is the upstream Host) but is never added.
  applyOperations(bag, operations, environment, { key: headerKey, replaceAlways: (name) => name === 'host', neverAdd: (name) => name === 'host' });
  for (const name of Object.keys(original)) if (!bag.has(headerKey(name))) kong.service.request.clear_header(name);
  for (const [name, value] of bag) {
    if (original[name] === value) continue;
    kong.service.request.set_header(name, Array.isArray(value) ? value.map(String) : String(value));
  }
}

function transformQuery(kong: Pdk, operations: Operations, environment: TemplateEnvironment): void {
  if (!hasOperations(operations)) return;
  const bag: Bag = new Map(Object.entries(kong.request.get_query(1000)));
  applyOperations(bag, operations, environment, { key: (name) => name });
  kong.service.request.set_query(Object.fromEntries(bag) as Parameters<Pdk['service']['request']['set_query']>[0]);
}

/** Kong's transform_method: GET/HEAD/TRACE carry no body, so a form body moves into the query. */
async function transformMethod(kong: Pdk, method: string): Promise<void> {
  kong.service.request.set_method(method);
  if (method !== 'GET' && method !== 'HEAD' && method !== 'TRACE') return;
  const contentType = kong.request.get_header('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) return;
  const form = await kong.request.get_body('application/x-www-form-urlencoded');
  if (form === null || typeof form !== 'object' || Array.isArray(form)) return;
  kong.service.request.set_query({ ...kong.request.get_query(1000), ...form } as Parameters<Pdk['service']['request']['set_query']>[0]);
}

export const plugin = definePlugin({
  name: 'request-transformer',
  version: KONG_VERSION,
  priority: 801,
  schema: requestTransformerSchema,
  prepare(conf): Prepared {
    return {
      httpMethod: conf.http_method == null ? null : conf.http_method.toUpperCase(),
      uri: conf.replace.uri == null ? null : compileTemplate(conf.replace.uri),
      headers: operationsFor(conf, 'headers'),
      querystring: operationsFor(conf, 'querystring'),
      body: operationsFor(conf, 'body'),
    };
  },
  async access(kong, prepared: Prepared) {
    const environment = templateEnvironment(kong);
    if (prepared.uri !== null) kong.service.request.set_path(renderTemplate(prepared.uri, environment));
    if (prepared.httpMethod !== null) await transformMethod(kong, prepared.httpMethod);
    transformHeaders(kong, prepared.headers, environment);
    if (hasOperations(prepared.body)) {
      const body = transformBody(await kong.request.get_raw_body(), kong.request.get_header('content-type') ?? '', prepared.body, environment);
      if (body !== null) kong.service.request.set_raw_body(body);
    }
    transformQuery(kong, prepared.querystring, environment);
  },
});
