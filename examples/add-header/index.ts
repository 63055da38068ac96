// A Portico-native custom plugin: one definePlugin() with Kong's field vocabulary. Loaded from a
// plugin directory by name (`plugins = bundled,add-header`); its schema then appears at
// /schemas/plugins/add-header and plugin configs are validated against it.
import { definePlugin } from '../../src/pdk/index.ts';

export const plugin = definePlugin({
  name: 'add-header',
  version: '1.0.0',
  // Runs after authentication plugins (key-auth is 1250), before request-transformer (801).
  priority: 900,
  schema: {
    config: {
      type: 'record',
      fields: {
        header_name: { type: 'string', required: true, default: 'X-Added' },
        header_value: { type: 'string', required: true },
        only_for_paths: { type: 'array', elements: { type: 'string' }, default: [] },
      },
    },
  },
  // Once per config version: turn the path list into a Set instead of scanning it per request.
  prepare: (conf) => ({ ...conf, paths: new Set(conf.only_for_paths) }),
  access(kong, conf) {
    if (conf.paths.size > 0 && !conf.paths.has(kong.request.get_path())) return;
    kong.service.request.set_header(conf.header_name, conf.header_value);
    kong.ctx.plugin.added = true;
  },
  header_filter(kong, conf) {
    if (kong.ctx.plugin.added === true) kong.response.set_header(conf.header_name, conf.header_value);
  },
});
