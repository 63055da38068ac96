// Postgres-only behaviour: refusing an unbootstrapped schema, a database that is down or hangs,
// savepoints inside transactions and the migrations commands (several instances on one schema:
// test/integration/store-instances.test.ts).
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../core/errors.ts';
import { consumerRow, rejectsWith } from '../conformance-fixtures.ts';
import { DatabaseUnavailableError } from '../errors.ts';
import { DatabaseNotReadyError, finish, migrationsStatus, reset, up } from '../migrations/index.ts';
import { createPostgresStore, openPostgresMigrations } from './index.ts';
import { createTestSchema, TEST_SERVER } from './test-database.ts';
import type { TestSchema } from './test-database.ts';

let shared: TestSchema;
before(async () => {
  shared = await createTestSchema('portico_pgspec');
});
after(async () => {
  await shared.drop();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('postgres store: availability', () => {
  it('refuses a schema that was never bootstrapped, naming the command', async () => {
    const options = { ...TEST_SERVER, schema: `portico_empty_${process.pid}` };
    await assert.rejects(createPostgresStore(options), (error: unknown) => {
      assert.ok(error instanceof DatabaseNotReadyError);
      assert.match(error.message, /^Database needs bootstrapping or is older than Kong 1\.0\.\n\nTo start a new installation from scratch, run 'portico migrations bootstrap'\.$/);
      return true;
    });
  });

  it('fails fast with DatabaseUnavailableError when nothing listens on the port', async () => {
    const server = createServer();
    const port = await listen(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const started = Date.now();
    await assert.rejects(createPostgresStore({ ...TEST_SERVER, port, timeoutMs: 1000 }), DatabaseUnavailableError);
    assert.ok(Date.now() - started < 1000);
  });

  it('gives up within the timeout when the server accepts but never answers', async () => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    const port = await listen(server);
    const started = Date.now();
    await assert.rejects(createPostgresStore({ ...TEST_SERVER, port, timeoutMs: 300 }), DatabaseUnavailableError);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250 && elapsed < 2000, `took ${elapsed} ms`);
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

/** A loopback TCP relay to the test server that can be cut and restored on the same port. */
function relay(): { start(port?: number): Promise<number>; cut(): Promise<void>; dropConnections(): void } {
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  return {
    async start(port = 0) {
      server = createServer((client) => {
        const upstream = connect(TEST_SERVER.port, TEST_SERVER.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      return (server.address() as { port: number }).port;
    },
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    async cut() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}

describe('postgres store: database lost and back', () => {
  it('answers DatabaseUnavailableError quickly while down and recovers by itself', async () => {
    const link = relay();
    const port = await link.start();
    const store = await createPostgresStore({ ...shared.options, port, timeoutMs: 1000 });
    await store.insert('consumers', consumerRow('before-outage'));
    await link.cut();
    const started = Date.now();
    await assert.rejects(store.insert('consumers', consumerRow('during-outage')), DatabaseUnavailableError);
    await assert.rejects(store.all('consumers'), DatabaseUnavailableError);
    assert.ok(Date.now() - started < 2000, 'bounded failure time');
    await link.start(port);
    await store.insert('consumers', consumerRow('after-outage'));
    const names = (await store.all('consumers')).map((c) => c.username);
    assert.ok(names.includes('before-outage') && names.includes('after-outage') && !names.includes('during-outage'));
    await store.close();
    await link.cut();
  });

  it('replaces a pooled connection that died while idle without failing the next write', async () => {
    const link = relay();
    await link.start().then((port) => createPostgresStore({ ...shared.options, port, timeoutMs: 1000 })).then(async (store) => {
      await store.insert('consumers', consumerRow('idle-before'));
      link.dropConnections();
      await store.insert('consumers', consumerRow('idle-after'));
      assert.ok(await store.selectByUnique('consumers', 'username', 'idle-after'));
      await store.close();
    });
    await link.cut();
  });
});

describe('postgres store: change notifications', () => {
  it('listens again after losing its LISTEN connection', async () => {
    const link = relay();
    const port = await link.start();
    // Polling far off: only a re-established LISTEN can deliver the change this fast.
    const watcher = await createPostgresStore({ ...shared.options, port, pollIntervalMs: 60_000 });
    const writer = await createPostgresStore({ ...shared.options, pollIntervalMs: 60_000 });
    link.dropConnections();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const heard = new Promise<number>((resolve) => watcher.onChange!(resolve));
    const started = Date.now();
    await writer.insert('consumers', consumerRow('after-reconnect'));
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no change heard within 2 s')), 2000).unref());
    assert.equal(await Promise.race([heard, timeout]), writer.version());
    assert.ok(Date.now() - started < 1000, `heard after ${Date.now() - started} ms`);
    await Promise.all([watcher.close(), writer.close()]);
    await link.cut();
  });
});

describe('postgres store: failures', () => {
  it('lets a transaction catch a failed write and commit the rest', async () => {
    const store = await createPostgresStore(shared.options);
    await store.insert('consumers', consumerRow('taken'));
    await store.transaction(async (tx) => {
      await tx.insert('consumers', consumerRow('kept'));
      await rejectsWith(tx.insert('consumers', consumerRow('taken')), ErrorCode.UNIQUE_VIOLATION);
    });
    assert.ok(await store.selectByUnique('consumers', 'username', 'kept'));
    await store.close();
  });
});

describe('postgres migrations', () => {
  it('lists, ups, finishes and resets a schema', async () => {
    const schema = await createTestSchema('portico_pgmig');
    const migrations = await openPostgresMigrations(schema.options);
    assert.deepEqual(await migrationsStatus(migrations), { bootstrapped: true, executed: ['000_base', '001_entities'], pending: [], newMigrations: [] });
    assert.deepEqual(await up(migrations), []);
    assert.deepEqual(await finish(migrations), []);
    await reset(migrations);
    assert.equal((await migrationsStatus(migrations)).bootstrapped, false);
    await assert.rejects(up(migrations), DatabaseNotReadyError);
    await migrations.close();
    await assert.rejects(createPostgresStore(schema.options), DatabaseNotReadyError);
    await schema.drop();
  });
});
