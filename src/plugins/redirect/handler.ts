// redirect — kong/plugins/redirect/handler.lua: answers every request with the configured status,
// `Location` and the plain-text body "redirecting"; keep_incoming_path swaps the location's path
// and query for the request's own.
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { redirectSchema } from './schema.ts';

type RedirectConf = ConfOf<typeof redirectSchema>;

/**
 * The Location of one request.
 * @example
 * redirectLocation('https://b.test/x?y=1', '/p', 'q=2', true); // 'https://b.test/p?q=2'
 */
export function redirectLocation(location: string, path: string, rawQuery: string, keepIncomingPath: boolean): string {
  if (!keepIncomingPath) return location;
  const url = new URL(location);
  url.pathname = path;
  url.search = rawQuery === '' ? '' : `?${rawQuery}`;
  return url.toString();
}

export const plugin = definePlugin({
  name: 'redirect',
  version: KONG_VERSION,
  priority: 779,
  schema: redirectSchema,
  access(kong: Pdk, conf: RedirectConf) {
    const location = redirectLocation(conf.location, kong.request.get_path(), kong.request.get_raw_query(), conf.keep_incoming_path);
    return kong.response.exit(conf.status_code, 'redirecting', { Location: location });
  },
});
