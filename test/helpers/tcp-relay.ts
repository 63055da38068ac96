// A TCP relay that a test can cut and restore: stands between the gateway and a real server
// (Postgres, Redis) to make "the database went away" happen on demand without touching the
// machine's shared service.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpRelay {
  port: number;
  /** Drops every open connection and refuses new ones. */
  cut(): Promise<void>;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server | null = null;

  const listen = (): Promise<void> => new Promise((resolve, reject) => {
    const next = createServer((client) => {
      const upstream = createConnection({ host: targetHost, port: targetPort });
      sockets.add(client);
      sockets.add(upstream);
      const drop = (): void => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    next.once('error', reject);
    next.listen(port, '127.0.0.1', () => {
      port = (next.address() as { port: number }).port;
      server = next;
      resolve();
    });
  });

  const stop = (): Promise<void> => new Promise((resolve) => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (!server) { resolve(); return; }
    server.close(() => resolve());
    server = null;
  });

  await listen();
  return { get port() { return port; }, cut: stop, restore: listen, close: stop };
}
