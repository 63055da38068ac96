// Declarative configuration into and out of a persistent store (`config db_import/db_export`).
// An import is one transaction: every entity is upserted parents first, or nothing is.
import type { Settings } from '../config/types.ts';
import { listEntityDefinitions } from '../entities/index.ts';
import type { EntitySet } from '../entities/types.ts';
import { exportDeclarative } from '../store/declarative/index.ts';
import type { Row } from '../store/types.ts';
import { loadEntitySet, openStore } from './database.ts';

export async function importEntities(settings: Settings, entities: EntitySet): Promise<number> {
  const store = await openStore(settings);
  try {
    return await store.transaction(async (tx) => {
      let count = 0;
      // The registry lists parents before children, so foreign keys resolve as rows arrive.
      for (const definition of listEntityDefinitions()) {
        for (const row of (entities as unknown as Record<string, Row[] | undefined>)[definition.name] ?? []) {
          await tx.upsert(definition.name, row);
          count += 1;
        }
      }
      return count;
    });
  } finally {
    await store.close();
  }
}

export async function exportEntities(settings: Settings): Promise<string> {
  const store = await openStore(settings);
  try {
    return exportDeclarative(await loadEntitySet(store));
  } finally {
    await store.close();
  }
}
