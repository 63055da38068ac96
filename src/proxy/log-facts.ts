// Facts of a finished request in the shape Kong's log serializer reports them: `$request_length`,
// `$upstream_status` and `balancer_data.tries`.
import type { IncomingMessage } from 'node:http';
import type { SerializedTry } from '../pipeline/index.ts';
import type { TryRecord } from './context.ts';

/** `$request_length`: request line, header block and body bytes as received. */
export function requestSizeOf(req: IncomingMessage): number {
  let size = (req.method ?? 'GET').length + 1 + (req.url ?? '').length + ` HTTP/${req.httpVersion}\r\n`.length + 2;
  const raw = req.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) size += raw[index]!.length + 2 + raw[index + 1]!.length + 2;
  const declared = Number(req.headers['content-length']);
  // A chunked body's size is not tracked; Kong's figure would include its framing anyway.
  if (Number.isInteger(declared) && declared > 0) size += declared;
  return size;
}

/** `$upstream_status`: one status per try (`502, 200`); a failed try counts as 502, or 504 on timeout. */
export function upstreamStatusOf(tries: readonly TryRecord[]): string {
  return tries.map((entry) => entry.code ?? (entry.error === 'timeout' ? 504 : 502)).join(', ');
}

/** `balancer_data.tries`: failed tries carry Kong's `state: "failed"` and the status nginx gave them. */
export function serializedTries(tries: readonly TryRecord[]): SerializedTry[] {
  return tries.map((entry) => {
    const out: SerializedTry = { ip: entry.ip, port: entry.port, balancer_latency: entry.balancer_latency, balancer_start: entry.balancer_start };
    if (entry.error !== null) {
      out.state = 'failed';
      out.code = entry.error === 'timeout' ? 504 : 502;
    }
    return out;
  });
}
