// Fire-and-forget UDP sends for the logging plugins (Kong's ngx.socket.udp in a timer): one
// shared, unref'd socket per address family, so a log line never keeps the process alive and
// no socket is opened per request.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

const sockets = new Map<'udp4' | 'udp6', Socket>();

function socketFor(host: string): Socket {
  const family = isIPv6(host) ? 'udp6' : 'udp4';
  let socket = sockets.get(family);
  if (socket === undefined) {
    const created = createSocket(family);
    created.unref();
    // A broken socket is replaced on the next send.
    created.on('error', () => { if (sockets.get(family) === created) sockets.delete(family); });
    sockets.set(family, created);
    socket = created;
  }
  return socket;
}

/**
 * Sends one datagram; resolves when handed to the OS, rejects on a local send error.
 * @example
 * await sendDatagram('127.0.0.1', 8125, 'kong.request.count:1|c');
 */
export function sendDatagram(host: string, port: number, payload: string | Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socketFor(host).send(typeof payload === 'string' ? Buffer.from(payload) : payload, port, host, (error) => (error ? reject(error) : resolve()));
  });
}
