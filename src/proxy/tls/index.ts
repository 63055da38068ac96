// TLS on the listeners (SNI certificates, default certificate, ALPN h2) and towards upstreams.
export { buildCertificateTable, EMPTY_CERTIFICATE_TABLE, normalizeServername, secureContextOf, secureContextOptions, wildcardsOf } from './certificate-table.ts';
export type { CertificateEntities, CertificateTable } from './certificate-table.ts';
export { protocolOptions, protocolRange } from './cipher-suites.ts';
export type { CipherSettings, ProtocolOptions } from './cipher-suites.ts';
export { defaultKeyPairs, generatedKeyPairs } from './default-certificate.ts';
export { selfSignedCertificate } from './self-signed.ts';
export type { KeyPair, ListenerKind } from './default-certificate.ts';
export { adaptHttp2Request, adaptHttp2Response } from './http2-compat.ts';
export { parseClientHello, prefersEcdsa } from './client-hello.ts';
export type { HelloFacts } from './client-hello.ts';
export { createHttp2Bridge, createSecureListener, frontOf } from './secure-listener.ts';
export { createCleartextListener } from './cleartext-listener.ts';
export { peekSocket } from './socket-peek.ts';
export type { DrainableServer, SecureListenerOptions } from './secure-listener.ts';
export { buildUpstreamTls, intermediatesOf, PLAIN_UPSTREAM_TLS } from './upstream-tls.ts';
export type { UpstreamConnectOptions, UpstreamTls, UpstreamTlsEntities } from './upstream-tls.ts';
