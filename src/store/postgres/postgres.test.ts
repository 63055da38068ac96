import { after } from 'node:test';
import { runStoreConformance } from '../conformance.ts';
import { createPostgresStore } from './index.ts';
import { createTestSchema } from './test-database.ts';
import type { TestSchema } from './test-database.ts';

let shared: TestSchema | null = null;
after(async () => {
  await shared?.drop();
});

// One schema for the file, emptied before each case: the conformance cases assume an empty store.
runStoreConformance('postgres', async () => {
  if (shared) await shared.truncate();
  else shared = await createTestSchema('portico_conf');
  return createPostgresStore(shared.options);
});
