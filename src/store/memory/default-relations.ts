import type { RelationSource } from './relations.ts';
export function defaultRelationSources(): Record<string, RelationSource> {
  const r = (uniqueFields: string[], foreignKeys: RelationSource['foreignKeys'], cacheKey: string[] | null = null) => ({ uniqueFields, foreignKeys, cacheKey });
  return {
    services: r(['name'], [{ field: 'client_certificate', reference: 'certificates', onDelete: 'restrict' }]),
    routes: r(['name'], [{ field: 'service', reference: 'services', onDelete: 'restrict' }]),
    consumers: r(['username', 'custom_id'], []),
    plugins: r(['instance_name'], [
      { field: 'route', reference: 'routes', onDelete: 'cascade' },
      { field: 'service', reference: 'services', onDelete: 'cascade' },
      { field: 'consumer', reference: 'consumers', onDelete: 'cascade' },
    ], ['name', 'route', 'service', 'consumer']),
    upstreams: r(['name'], [{ field: 'client_certificate', reference: 'certificates', onDelete: 'restrict' }]),
    targets: r([], [{ field: 'upstream', reference: 'upstreams', onDelete: 'cascade' }], ['upstream', 'target']),
    certificates: r([], []),
    snis: r(['name'], [{ field: 'certificate', reference: 'certificates', onDelete: 'cascade' }]),
    ca_certificates: r(['cert_digest'], []),
  };
}
