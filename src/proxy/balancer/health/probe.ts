// One active probe, as lua-resty-healthcheck's run_single_check: connect (tcp), optionally
// TLS-handshake (https), send `GET <http_path> HTTP/1.0` with the Host header and the
// configured headers, and read only the status line. Every probe is bounded by
// `healthchecks.active.timeout` end to end and never throws.

import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Healthchecks } from '../../../entities/types.ts';
import { hostForHeader } from '../targets.ts';
import type { PassiveOutcome, ProbeAddress } from './types.ts';

/** `success` is a completed tcp probe; http probes answer with the status they read. */
export type ProbeOutcome = PassiveOutcome | { kind: 'success' };

type Active = Healthchecks['active'];

const STATUS_LINE = /^HTTP\/\d(?:\.\d)? (\d{3})/;
/** A status line longer than this is not HTTP; the probe counts it as a failed connection. */
const MAX_STATUS_LINE = 8192;

export function probe(address: ProbeAddress, active: Active): Promise<ProbeOutcome> {
  const timeoutMs = Math.max(1, Math.round((active.timeout ?? 1) * 1000));
  // Kong's grpc/grpcs active checks are not HTTP/1 requests; Portico checks that the port
  // accepts a connection (and, for grpcs, a TLS handshake) — documented deviation.
  const type = active.type ?? 'http';
  const tls = type === 'https' || type === 'grpcs';
  const http = type === 'http' || type === 'https';
  return new Promise((resolve) => {
    let settled = false;
    let socket: Socket;
    const finish = (outcome: ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    const onReady = (): void => {
      if (!http) { finish({ kind: 'success' }); return; }
      socket.write(requestFor(address, active));
    };
    if (tls) {
      const sni = active.https_sni ?? (isIP(address.hostname) === 0 ? address.hostname : undefined);
      socket = tlsConnect({
        host: address.ip, port: address.port, rejectUnauthorized: active.https_verify_certificate !== false,
        ...(sni === undefined ? {} : { servername: sni }), ALPNProtocols: ['http/1.1'],
      }, onReady);
    } else {
      socket = tcpConnect({ host: address.ip, port: address.port }, onReady);
    }
    socket.on('error', () => finish({ kind: 'tcp_failure' }));
    let head = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      head += chunk;
      const end = head.indexOf('\r\n');
      if (end === -1 && head.length <= MAX_STATUS_LINE) return;
      const match = STATUS_LINE.exec(head);
      finish(match ? { kind: 'http_status', status: Number(match[1]) } : { kind: 'tcp_failure' });
    });
    socket.on('end', () => {
      const match = STATUS_LINE.exec(head);
      finish(match ? { kind: 'http_status', status: Number(match[1]) } : { kind: 'tcp_failure' });
    });
  });
}

function requestFor(address: ProbeAddress, active: Active): string {
  const host = hostForHeader(address.hostname);
  let request = `GET ${active.http_path ?? '/'} HTTP/1.0\r\nHost: ${host}\r\nConnection: close\r\n`;
  for (const [name, values] of Object.entries(active.headers ?? {})) {
    // Schema-validated names/values; CR/LF are dropped anyway so a value cannot add a header.
    for (const value of values) request += `${name.replace(/[\r\n:]/g, '')}: ${String(value).replace(/[\r\n]/g, '')}\r\n`;
  }
  return `${request}\r\n`;
}
