// Kong's core entities: one definition per table, registered in the shared registry that plugin
// DAOs (credentials, …) join later through registerEntityDefinition.
import type { CoreEntityName } from './types.ts';
import type { EntityDefinition } from './definition.ts';
import { registerEntityDefinition } from './registry.ts';
import { services } from './services.ts';
import { routes } from './routes.ts';
import { consumers } from './consumers.ts';
import { plugins } from './plugins.ts';
import { upstreams } from './upstreams.ts';
import { targets } from './targets.ts';
import { certificates } from './certificates.ts';
import { snis } from './snis.ts';
import { caCertificates } from './ca-certificates.ts';

export type { EntityDefinition, EntityOptions, EntityValidateOptions, ForeignKeyInfo, OnDelete } from './definition.ts';
export { defineEntity } from './definition.ts';
export {
  registerEntityDefinition, getEntityDefinition, getEntityDefinitionByAdminPath, listEntityDefinitions,
  foreignUniqueFields,
} from './registry.ts';
export { registerPluginSchema, getPluginSchema, listPluginSchemas, unregisterPluginSchema } from './plugin-registry.ts';
export type { PluginSchemaDefinition } from './plugin-registry.ts';
export { parseLuaSocketUrl, expandServiceUrl } from './url-shorthand.ts';
export { normalizeRoutePath, validateRoutePath } from './route-paths.ts';
export { pluginSchemaFor, pluginSchemaJson, checkPluginProtocols } from './plugins.ts';
export { routeSchemaFor } from './routes.ts';
export { formatTarget } from './targets.ts';
export { certificateDigest } from './ca-certificates.ts';

/** Core entities in dependency order (parents before children), as Kong loads them. */
export const entityDefinitions: Record<CoreEntityName, EntityDefinition> = {
  certificates,
  ca_certificates: caCertificates,
  snis,
  services,
  routes,
  consumers,
  upstreams,
  targets,
  plugins,
};

for (const definition of Object.values(entityDefinitions)) registerEntityDefinition(definition);
