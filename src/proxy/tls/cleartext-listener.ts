// A plain listener flagged `http2`: HTTP/2 with prior knowledge (h2c, RFC 9113 §3.3) and
// HTTP/1.1 on the same port, told apart by the connection preface. HTTP/1 connections go to the
// hardened HTTP/1 server unchanged; h2c sessions share the TLS listeners' HTTP/2 limits.
import type { Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import type { Settings } from '../../config/types.ts';
import { createHttp2Bridge, frontOf, type DrainableServer } from './secure-listener.ts';
import { peekSocket } from './socket-peek.ts';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

function prefixOfPreface(buffered: Buffer): boolean {
  const length = Math.min(buffered.length, PREFACE.length);
  return buffered.subarray(0, length).equals(PREFACE.subarray(0, length));
}

export function createCleartextListener(settings: Settings, http1: HttpServer): DrainableServer {
  const bridge = createHttp2Bridge(settings, http1);
  const server = createNetServer((socket: Socket) => {
    peekSocket(socket, settings.client_header_timeout, (buffered) => buffered.length >= PREFACE.length || !prefixOfPreface(buffered), (buffered, timedOut) => {
      // Nothing (or half a preface) within client_header_timeout: nginx closes such connections too.
      if (timedOut && (buffered.length === 0 || prefixOfPreface(buffered))) { socket.destroy(); return; }
      if (prefixOfPreface(buffered)) { bridge.server.emit('connection', socket); return; }
      http1.emit('connection', socket);
      // node:http reads the socket natively from here; what was peeked is replayed as 'data'.
      socket.resume();
    });
  });
  return frontOf(server, http1, bridge.sessions);
}
