// Constraint metadata read from the entity registry (core entities plus plugin DAOs registered
// so far), so the store and the schemas never disagree about unique fields, cache keys or
// on-delete rules.
import { listEntityDefinitions } from '../../entities/index.ts';
import type { RelationSource } from './relations.ts';

export function defaultRelationSources(): Record<string, RelationSource> {
  const sources: Record<string, RelationSource> = {};
  for (const definition of listEntityDefinitions()) {
    sources[definition.name] = {
      // `id` is the primary key, checked on its own (code 3).
      uniqueFields: definition.uniqueFields.filter((field) => field !== 'id'),
      foreignKeys: definition.foreignKeys,
      cacheKey: definition.cacheKey,
    };
  }
  return sources;
}
