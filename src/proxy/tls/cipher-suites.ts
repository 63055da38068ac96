// `ssl_cipher_suite` / `ssl_ciphers` / `ssl_protocols` → node:tls options. Kong maps the named
// suites to Mozilla's server-side TLS recommendations (kong/conf_loader constants); a named
// suite brings its own protocols and ssl_protocols only applies to `custom` (kong.conf.default:
// "This value is ignored if ssl_cipher_suite is not custom").
import type { SecureVersion } from 'node:tls';
import type { Settings } from '../../config/types.ts';

export type CipherSettings = Pick<Settings, 'ssl_cipher_suite' | 'ssl_ciphers' | 'ssl_protocols'>;

export interface ProtocolOptions {
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  /** OpenSSL cipher list for TLS ≤ 1.2; undefined = OpenSSL's default (TLS 1.3 suites are not configurable this way). */
  ciphers: string | undefined;
  honorCipherOrder: boolean;
}

const INTERMEDIATE_CIPHERS = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:'
  + 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:'
  + 'DHE-RSA-AES256-GCM-SHA384';
const OLD_CIPHERS = `${INTERMEDIATE_CIPHERS}:DHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:`
  + 'ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:'
  + 'ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:'
  + 'AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA';

interface Suite { protocols: string; ciphers: string | undefined; preferServerCiphers: boolean }

const SUITES: Record<string, Suite> = {
  modern: { protocols: 'TLSv1.3', ciphers: undefined, preferServerCiphers: false },
  intermediate: { protocols: 'TLSv1.2 TLSv1.3', ciphers: INTERMEDIATE_CIPHERS, preferServerCiphers: false },
  old: { protocols: 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3', ciphers: OLD_CIPHERS, preferServerCiphers: true },
  fips: { protocols: 'TLSv1.2', ciphers: 'TLSv1.2+FIPS:kRSA+FIPS:!eNULL:!aNULL', preferServerCiphers: true },
};

const ORDER: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** nginx `ssl_protocols` list → the contiguous range node:tls supports (gaps cannot be expressed). */
export function protocolRange(protocols: string): { minVersion: SecureVersion; maxVersion: SecureVersion } {
  const wanted = protocols.split(/[\s,]+/).filter((name) => name !== '');
  const indexes = wanted.map((name) => ORDER.indexOf(name as SecureVersion)).filter((index) => index !== -1);
  if (indexes.length === 0) throw new Error(`invalid ssl_protocols '${protocols}': expected TLSv1, TLSv1.1, TLSv1.2 and/or TLSv1.3`);
  return { minVersion: ORDER[Math.min(...indexes)]!, maxVersion: ORDER[Math.max(...indexes)]! };
}

export function protocolOptions(settings: CipherSettings): ProtocolOptions {
  const suite = SUITES[settings.ssl_cipher_suite];
  if (suite === undefined) {
    // `custom`: the operator's ssl_ciphers and ssl_protocols.
    return { ...protocolRange(settings.ssl_protocols), ciphers: settings.ssl_ciphers ?? undefined, honorCipherOrder: true };
  }
  return { ...protocolRange(suite.protocols), ciphers: suite.ciphers, honorCipherOrder: suite.preferServerCiphers };
}
