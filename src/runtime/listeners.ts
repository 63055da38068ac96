// The worker's listeners: one server per configured address (reusePort), plain or TLS. TLS
// addresses (the `ssl` flag) get a TLS front on the same HTTP/1 server, with ALPN h2 when also
// flagged `http2` (kong-core §7); proxy listeners read certificates from the served snapshot. A
// plain address flagged `http2` also takes HTTP/2 with prior knowledge (h2c).
// Draining stops accepting, closes idle keep-alive connections every 100 ms and cuts the rest at
// the deadline.
import type { Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { ListenAddress, Settings } from '../config/types.ts';
import type { Logger } from '../core/logger.ts';
import { createCleartextListener, createSecureListener, type CertificateTable, type DrainableServer, type ListenerKind } from '../proxy/tls/index.ts';

export interface ListenerGroup {
  kind: ListenerKind;
  /** Name in log lines (`proxy`, `admin`, `status`). */
  name: string;
  addresses: ListenAddress[];
  makeServer: () => Server;
  /** The served config's certificates (proxy listeners only; Kong's admin uses admin_ssl_cert). */
  certificates?: () => CertificateTable;
}

export class Listeners {
  private readonly settings: Settings;
  private readonly logger: Logger;
  /** Only the first worker logs what is bound (every worker binds the same addresses). */
  private readonly announce: boolean;
  private readonly bound: DrainableServer[] = [];

  constructor(settings: Settings, logger: Logger, announce: boolean) {
    this.settings = settings;
    this.logger = logger;
    this.announce = announce;
  }

  get size(): number {
    return this.bound.length;
  }

  async bind(group: ListenerGroup): Promise<void> {
    for (const address of group.addresses) {
      const http1 = group.makeServer();
      const entry: DrainableServer = address.ssl
        ? createSecureListener(this.settings, http1, { kind: group.kind, http2: address.http2, ...(group.certificates === undefined ? {} : { certificates: group.certificates }) })
        : address.http2 ? createCleartextListener(this.settings, http1) : plainServer(http1);
      await listenOne(entry.server, address, group.name);
      this.bound.push(entry);
      const port = (entry.server.address() as AddressInfo | null)?.port ?? address.port;
      const flags = [address.ssl ? 'ssl' : '', address.http2 ? 'http2' : ''].filter((flag) => flag !== '').join(' ');
      if (this.announce) this.logger.notice(`${group.name} listening on ${address.host}:${port}${flags === '' ? '' : ` (${flags})`}`);
    }
  }

  /** Bound ports in bind order (tests, diagnostics). */
  ports(): number[] {
    return this.bound.map((entry) => (entry.server.address() as AddressInfo | null)?.port ?? 0);
  }

  /** Stop accepting, let requests in flight finish (closing idle keep-alive sockets), then resolve. */
  drain(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let open = this.bound.length;
      if (open === 0) { resolve(); return; }
      const deadline = setTimeout(() => {
        for (const entry of this.bound) entry.closeAllConnections();
      }, timeoutMs);
      const sweeper = setInterval(() => {
        for (const entry of this.bound) entry.closeIdleConnections();
      }, 100);
      for (const entry of this.bound) {
        entry.close(() => {
          open -= 1;
          if (open === 0) { clearTimeout(deadline); clearInterval(sweeper); resolve(); }
        });
        entry.closeIdleConnections();
      }
    });
  }
}

function plainServer(server: Server): DrainableServer {
  return {
    server,
    close: (callback) => { server.close(() => callback()); },
    closeIdleConnections: () => server.closeIdleConnections(),
    closeAllConnections: () => server.closeAllConnections(),
  };
}

function listenOne(server: NetServer, address: ListenAddress, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(new Error(`could not listen on ${address.host}:${address.port} for ${name}: ${error.code ?? error.message}`));
    };
    server.once('error', onError);
    server.listen({ host: address.host, port: address.port, reusePort: true, backlog: address.backlog ?? 511, ipv6Only: address.ipv6only ?? false }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
