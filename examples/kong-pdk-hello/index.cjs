'use strict';
// A plugin written for Kong's JavaScript PDK (npm `kong-pdk`), unchanged: Portico runs it
// in-process, no plugin server. Enable it with `plugins = bundled,kong-pdk-hello` and a plugin
// directory that contains this folder.

class HelloPlugin {
  constructor(config) {
    this.config = config;
  }

  async access(kong) {
    const host = await kong.request.getHeader('host');
    if (host === undefined) {
      await kong.log.err('no host header');
      return kong.response.exit(400, { message: 'host header required' });
    }
    if (await kong.request.getHeader('x-deny') !== undefined) {
      return kong.response.exit(403, { message: this.config.deny_message });
    }
    await kong.ctx.shared.set('greeted', host);
    await kong.service.request.setHeader('X-Hello', `${this.config.message} ${host}`);
    await kong.response.setHeader('X-Hello-From-JavaScript', `${this.config.message} to ${host}`);
  }

  async log(kong) {
    // kong-pdk calls are promises: chaining works as well as await.
    return kong.ctx.shared.get('greeted').then((greeted) => kong.log.info('greeted ', greeted));
  }
}

module.exports = {
  Plugin: HelloPlugin,
  Schema: [
    { message: { type: 'string', default: 'hello' } },
    { deny_message: { type: 'string', required: true, default: 'denied' } },
    { limits: { type: 'record', required: true, fields: [{ max: { type: 'integer', default: 10, between: [1, 100] } }] } },
  ],
  Version: '0.1.0',
  Priority: 0,
};
