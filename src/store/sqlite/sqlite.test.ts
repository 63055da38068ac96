import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { runStoreConformance } from '../conformance.ts';
import { createSqliteStore } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'portico-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

runStoreConformance('sqlite', () => createSqliteStore({ path: join(dir, `conformance-${++counter}.db`) }));
