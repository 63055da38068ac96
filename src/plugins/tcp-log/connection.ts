// One kept-alive TCP (or TLS) connection to a log server, like the cosocket keepalive pool Kong's
// tcp-log uses: lines are written in order; the socket idles for `keepalive` ms before closing;
// a failed connect or write drops the line with an error (tcp-log has no retries in Kong).
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export interface ConnectionOptions {
  host: string;
  port: number;
  timeout: number;
  keepalive: number;
  tls: boolean;
  tlsSni: string | null;
}

/**
 * Writes lines over one reusable connection.
 * @example
 * await new LogConnection({ host, port, timeout: 10000, keepalive: 60000, tls: false, tlsSni: null }).write('{}\n');
 */
export class LogConnection {
  private readonly options: ConnectionOptions;
  private socket: Promise<Socket> | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(options: ConnectionOptions) {
    this.options = options;
  }

  /** Queues a write after the previous ones; rejects when this line could not be sent. */
  write(data: string): Promise<void> {
    const next = this.chain.then(() => this.send(data));
    this.chain = next.catch(() => undefined);
    return next;
  }

  close(): void {
    void this.socket?.then((socket) => socket.destroy(), () => undefined);
    this.socket = null;
  }

  private async send(data: string): Promise<void> {
    const socket = await this.open();
    await new Promise<void>((resolve, reject) => {
      socket.write(data, (error) => (error ? reject(error) : resolve()));
    }).catch((error: unknown) => {
      this.close();
      throw error;
    });
  }

  private open(): Promise<Socket> {
    if (this.socket !== null) return this.socket;
    const { host, port, timeout, keepalive, tls, tlsSni } = this.options;
    const opened = new Promise<Socket>((resolve, reject) => {
      // Kong's sslhandshake(true, sni, false): the server certificate is not verified.
      const socket: Socket = tls
        ? connectTls({ host, port, servername: tlsSni ?? undefined, rejectUnauthorized: false }, () => ready())
        : connectTcp({ host, port }, () => ready());
      const timer = setTimeout(() => socket.destroy(new Error('timeout')), timeout);
      const ready = (): void => {
        clearTimeout(timer);
        // From now on the timeout is the keepalive idle time.
        socket.setTimeout(keepalive, () => socket.destroy());
        resolve(socket);
      };
      socket.on('error', (error) => { clearTimeout(timer); reject(error); });
      socket.on('close', () => { if (this.socket === opened) this.socket = null; });
      socket.on('data', () => undefined);
      socket.unref();
    });
    this.socket = opened;
    opened.catch(() => { if (this.socket === opened) this.socket = null; });
    return opened;
  }
}
