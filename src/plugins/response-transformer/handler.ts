// response-transformer — kong/plugins/response-transformer/handler.lua: edits the response
// headers in header_filter and, for JSON responses with JSON operations configured, buffers the
// body and rewrites it in body_filter (Content-Length is dropped since the length changes).
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { transformJsonBody, type JsonEntry, type JsonOperations } from './json-body.ts';
import { responseTransformerSchema } from './schema.ts';

type ResponseTransformerConf = ConfOf<typeof responseTransformerSchema>;

interface Prepared {
  conf: ResponseTransformerConf;
  headers: { remove: string[]; rename: Array<[string, string]>; replace: Array<[string, string]>; add: Array<[string, string]>; append: Array<[string, string]> };
  json: JsonOperations;
  transformsJson: boolean;
}

function split(entry: string): [string, string] {
  const colon = entry.indexOf(':');
  return [entry.slice(0, colon), entry.slice(colon + 1)];
}

function typed(record: { json: readonly string[]; json_types: readonly string[] }): JsonEntry[] {
  return record.json.map((entry, index) => {
    const [name, value] = split(entry);
    return { name, value, type: record.json_types[index] };
  });
}

/** Kong's is_json_body: the content type mentions application/json. */
function isJson(contentType: unknown): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return typeof value === 'string' && value.toLowerCase().includes('application/json');
}

function headerFilter(kong: Pdk, prepared: Prepared): void {
  const headers = kong.response.get_headers();
  const present = (name: string): boolean => headers[name.toLowerCase()] !== undefined;
  const ops = prepared.headers;
  for (const name of ops.remove) kong.response.clear_header(name);
  for (const [from, to] of ops.rename) {
    if (!present(from)) continue;
    kong.response.set_header(to, headers[from.toLowerCase()] as string | string[]);
    kong.response.clear_header(from);
  }
  for (const [name, value] of ops.replace) if (present(name)) kong.response.set_header(name, value);
  for (const [name, value] of ops.add) if (!present(name)) kong.response.add_header(name, value);
  for (const [name, value] of ops.append) kong.response.add_header(name, value);
  const transform = prepared.transformsJson && isJson(headers['content-type']);
  kong.ctx.plugin.transform_body = transform;
  if (transform) kong.response.clear_header('Content-Length');
}

export const plugin = definePlugin({
  name: 'response-transformer',
  version: KONG_VERSION,
  priority: 800,
  schema: responseTransformerSchema,
  prepare(conf): Prepared {
    const json: JsonOperations = {
      remove: [...conf.remove.json],
      rename: conf.rename.json.map(split),
      replace: typed(conf.replace),
      add: typed(conf.add),
      append: typed(conf.append),
    };
    return {
      conf,
      headers: {
        remove: [...conf.remove.headers],
        rename: conf.rename.headers.map(split),
        replace: conf.replace.headers.map(split),
        add: conf.add.headers.map(split),
        append: conf.append.headers.map(split),
      },
      json,
      transformsJson: json.remove.length + json.rename.length + json.replace.length + json.add.length + json.append.length > 0,
    };
  },
  header_filter: headerFilter,
  body_filter(kong, prepared: Prepared) {
    if (kong.ctx.plugin.transform_body !== true) return;
    const body = kong.response.get_raw_body();
    if (body === null) return;
    const transformed = transformJsonBody(body.toString(), prepared.json);
    if (transformed === null) {
      kong.log.warn('body transform failed: failed parsing json body');
      return;
    }
    kong.response.set_raw_body(transformed);
  },
});
