// A tiny authoritative DNS server on 127.0.0.1 for tests: answers A, AAAA and SRV from a table
// and NXDOMAIN otherwise, so the real node:dns resolver can be exercised without the network.

import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export type Zone = Record<string, {
  a?: Array<{ address: string; ttl: number }>;
  aaaa?: Array<{ address: string; ttl: number }>;
  srv?: Array<{ priority: number; weight: number; port: number; target: string; ttl: number }>;
}>;

const TYPE_A = 1;
const TYPE_AAAA = 28;
const TYPE_SRV = 33;

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter((p) => p !== '');
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])), Buffer.from([0])]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function record(type: number, ttl: number, data: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // pointer to the question name
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt32BE(ttl, 6);
  head.writeUInt16BE(data.length, 10);
  return Buffer.concat([head, data]);
}

function answersFor(zone: Zone, name: string, type: number): Buffer[] | null {
  const entry = zone[name.toLowerCase()];
  if (!entry) return null;
  if (type === TYPE_A) return (entry.a ?? []).map((r) => record(type, r.ttl, Buffer.from(r.address.split('.').map(Number))));
  if (type === TYPE_AAAA) return (entry.aaaa ?? []).map((r) => record(type, r.ttl, ipv6Bytes(r.address)));
  if (type === TYPE_SRV) {
    return (entry.srv ?? []).map((r) => {
      const fixed = Buffer.alloc(6);
      fixed.writeUInt16BE(r.priority, 0);
      fixed.writeUInt16BE(r.weight, 2);
      fixed.writeUInt16BE(r.port, 4);
      return record(type, r.ttl, Buffer.concat([fixed, encodeName(r.target)]));
    });
  }
  return [];
}

export async function startDnsServer(zone: Zone): Promise<{ server: string; queries: string[]; close(): Promise<void> }> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (message, from) => {
    let offset = 12;
    const labels: string[] = [];
    while (message[offset]! !== 0) {
      const length = message[offset]!;
      labels.push(message.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += length + 1;
    }
    const type = message.readUInt16BE(offset + 1);
    const questionEnd = offset + 5;
    const name = labels.join('.');
    queries.push(`${name}/${type}`);
    const answers = answersFor(zone, name, type);
    const header = Buffer.alloc(12);
    message.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8400 | 0x0100 | 0x0080 | (answers === null ? 3 : 0), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers?.length ?? 0, 6);
    socket.send(Buffer.concat([header, message.subarray(12, questionEnd), ...(answers ?? [])]), from.port, from.address);
  });
  await new Promise<void>((ready) => socket.bind(0, '127.0.0.1', ready));
  const { port } = socket.address() as AddressInfo;
  return {
    server: `127.0.0.1:${port}`,
    queries,
    close: () => new Promise<void>((done) => socket.close(() => done())),
  };
}
