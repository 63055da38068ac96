import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import { parseClientHello, prefersEcdsa, type HelloFacts } from './client-hello.ts';

/** The first record a real node:tls client sends with `options`. */
async function helloOf(options: ConnectionOptions): Promise<Buffer> {
  const server = createServer();
  const first = new Promise<Buffer>((resolve) => server.once('connection', (socket: Socket) => socket.once('data', (chunk: Buffer) => { resolve(chunk); socket.destroy(); })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername: 'hello.test', ...options });
  client.on('error', () => undefined);
  const data = await first;
  client.destroy();
  server.close();
  return data;
}

describe('ClientHello peek', () => {
  it('sees TLS 1.3, ECDSA signature schemes and ECDSA suites of a default client', async () => {
    const facts = parseClientHello(await helloOf({}));
    assert.deepEqual(facts, { ecdsaSignatures: true, tls13: true, ecdsaSuites: true } satisfies HelloFacts);
    assert.equal(prefersEcdsa(facts, true), true);
  });

  it('sees an RSA-only TLS 1.2 client', async () => {
    const facts = parseClientHello(await helloOf({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256', sigalgs: 'RSA-PSS+SHA256:RSA+SHA256' }));
    assert.deepEqual(facts, { ecdsaSignatures: false, tls13: false, ecdsaSuites: false } satisfies HelloFacts);
    assert.equal(prefersEcdsa(facts, true), false);
  });

  it('prefers RSA below TLS 1.3 when the client offers no ECDSA suite', async () => {
    const facts = parseClientHello(await helloOf({ ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256' }));
    assert.equal(facts!.ecdsaSuites, false);
    assert.equal(prefersEcdsa(facts, true), true, 'TLS 1.3 suites are key-agnostic');
    assert.equal(prefersEcdsa(facts, false), false, 'a TLS 1.2-only server needs an ECDHE_ECDSA suite');
  });

  it('returns null for what is not a ClientHello', () => {
    assert.equal(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n\r\n')), null);
    assert.equal(parseClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0, 0, 0])), null);
    assert.equal(prefersEcdsa(null, true), false);
  });
});
