import { after } from 'node:test';
import { runStoreConformance } from '../conformance.ts';
import { createPostgresStore } from './index.ts';
import { createTestSchema } from './test-database.ts';
import type { TestSchema } from './test-database.ts';

const schemas: TestSchema[] = [];
after(async () => {
  for (const schema of schemas) await schema.drop();
});

// Each case gets its own schema: the conformance cases assume an empty store.
runStoreConformance('postgres', async () => {
  const schema = await createTestSchema('portico_conf');
  schemas.push(schema);
  return createPostgresStore(schema.options);
});
