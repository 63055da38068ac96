// Kong's hand-written deviations from the generated endpoints that apply to core entities:
// `GET /consumers?custom_id=` (kong/api/routes/consumers.lua), certificates addressed by an SNI
// name and shown with their `snis` (kong/api/routes/certificates.lua), and the disabled
// `/snis/{snis}/certificate`.
import { isUuid } from '../../core/ids.ts';
import type { AdminContext, AdminReply, RouteHandler } from '../types.ts';
import { AdminHttpError } from '../http/errors.ts';
import type { AdminRouter } from '../http/router.ts';
import type { CrudEntities, CrudEntity } from './definition.ts';
import { foreignIdOf } from './lookup.ts';
import { createEntity, deleteEntity, getEntity, listEntities, updateEntity, upsertEntity } from './operations.ts';
import type { EntityRouteOptions } from './routes.ts';

function registerConsumerLookup(router: AdminRouter<RouteHandler>, consumers: CrudEntity, options: EntityRouteOptions): void {
  router.add('GET', '/consumers', {
    handle: async (ctx): Promise<AdminReply> => {
      const customId = ctx.query.get('custom_id');
      const engine = options.engine();
      if (customId === null) return { status: 200, body: await listEntities(engine, consumers, ctx.query, '/consumers') };
      if (customId === '' || ctx.query.getAll('custom_id').length > 1) {
        throw new AdminHttpError(400, { message: 'custom_id must be an unempty string' });
      }
      const row = await engine.store.selectByUnique('consumers', 'custom_id', customId);
      return { status: 200, body: { data: row ? [await engine.present(consumers, row)] : [], next: null } };
    },
  });
}

function registerCertificateBySni(router: AdminRouter<RouteHandler>, defs: CrudEntities, options: EntityRouteOptions): void {
  const certificates = defs.certificates!;
  const snis = defs.snis!;
  const template = '/certificates/{certificates}';
  /** The certificate id behind a URL key: ids pass through, anything else is an SNI name. */
  const resolve = async (ctx: AdminContext): Promise<string | null> => {
    const key = ctx.params.certificates!;
    if (isUuid(key)) return key;
    const sni = await options.engine().store.selectByUnique('snis', 'name', key);
    return sni ? foreignIdOf(sni, 'certificate') : null;
  };
  const sniNotFound = (): AdminHttpError => new AdminHttpError(404, { message: 'SNI not found' });
  router.add('GET', template, {
    handle: async (ctx) => {
      const id = await resolve(ctx);
      if (id === null) throw sniNotFound();
      return { status: 200, body: await getEntity(options.engine(), certificates, id) };
    },
  });
  router.add('PATCH', template, {
    handle: async (ctx) => {
      const id = await resolve(ctx);
      if (id === null) throw sniNotFound();
      return { status: 200, body: await updateEntity(options.engine(), certificates, id, await options.input(certificates, ctx)) };
    },
  });
  router.add('DELETE', template, {
    handle: async (ctx) => {
      const id = await resolve(ctx);
      if (id === null) throw sniNotFound();
      await deleteEntity(options.engine(), certificates, id);
      return { status: 204 };
    },
  });
  router.add('PUT', template, {
    handle: async (ctx) => {
      const engine = options.engine();
      const id = await resolve(ctx);
      const input = await options.input(certificates, ctx);
      if (id !== null) return { status: 200, body: await upsertEntity(engine, certificates, id, input) };
      // An unknown SNI name: create the certificate and attach that SNI to it.
      const created = await createEntity(engine, certificates, input);
      await createEntity(engine, snis, { name: ctx.params.certificates!, certificate: { id: created.id } });
      return { status: 200, body: await engine.present(certificates, (await engine.store.select('certificates', String(created.id)))!) };
    },
  });
}

export function registerSpecialRoutes(router: AdminRouter<RouteHandler>, defs: CrudEntities, options: EntityRouteOptions): void {
  if (defs.consumers) registerConsumerLookup(router, defs.consumers, options);
  if (defs.certificates && defs.snis) {
    registerCertificateBySni(router, defs, options);
    // Kong disables the generated `/snis/{snis}/certificate` (404, not 405).
    router.remove('/snis/{snis}/certificate');
  }
}
