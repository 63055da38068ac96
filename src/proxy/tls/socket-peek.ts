// Reads the first bytes of a fresh connection, puts them back, and hands the socket on — how a
// listener decides between protocols (h2c prior knowledge vs HTTP/1) or reads a ClientHello
// before node:tls does. The peek is bounded in time and size.
import type { Socket } from 'node:net';

/**
 * Collects data until `enough(buffered)` or `timeoutMs`, then pauses the socket, unshifts what
 * was read and calls `next(buffered, timedOut)`. A socket closed meanwhile is dropped silently.
 */
export function peekSocket(socket: Socket, timeoutMs: number, enough: (buffered: Buffer) => boolean, next: (buffered: Buffer, timedOut: boolean) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  let done = false;
  const finish = (timedOut: boolean): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('close', onClose);
    socket.pause();
    if (buffered.length > 0) socket.unshift(buffered);
    next(buffered, timedOut);
  };
  const onData = (chunk: Buffer): void => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    if (enough(buffered)) finish(false);
  };
  const onClose = (): void => { done = true; clearTimeout(timer); };
  const timer = setTimeout(() => finish(true), timeoutMs);
  socket.on('data', onData);
  socket.once('close', onClose);
}
