// The default certificate of a TLS listener (kong-core §7, §10.3): `<kind>ssl_cert` /
// `<kind>ssl_cert_key` when set, else a self-signed RSA + ECDSA pair that Kong's prefix handler
// generates once into `<prefix>/ssl/` (kong-default.crt, kong-default-ecdsa.crt, …) and reuses on
// every later start. Keys and certificates come from node:crypto (self-signed.ts).
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../../config/types.ts';
import { pemOfSetting } from './pem-setting.ts';
import { selfSignedCertificate } from './self-signed.ts';

/** Which listener family the certificate is for; Kong keeps one default pair per family. */
export type ListenerKind = 'proxy' | 'admin' | 'admin_gui' | 'status';

export interface KeyPair { cert: string; key: string }

// Kong's self-signed default subject (kong/cmd/utils/prefix_handler.lua), valid for 20 years.
const SUBJECT = '/C=US/ST=California/L=San Francisco/O=Kong/OU=IT Department/CN=localhost';
const VALID_DAYS = 7300;
const FILE_PREFIX: Record<ListenerKind, string> = { proxy: '', admin: 'admin-', admin_gui: 'admin-gui-', status: 'status-' };
const SETTING_PREFIX: Record<ListenerKind, string> = { proxy: '', admin: 'admin_', admin_gui: 'admin_gui_', status: 'status_' };
const LOCK_WAIT_MS = 15_000;

/** Certificate/key pairs for the listener family: configured ones, else the generated defaults. */
export function defaultKeyPairs(settings: Settings, kind: ListenerKind): KeyPair[] {
  const prefix = SETTING_PREFIX[kind];
  const certs = settings[`${prefix}ssl_cert` as 'ssl_cert'];
  const keys = settings[`${prefix}ssl_cert_key` as 'ssl_cert_key'];
  if (certs.length > 0) return certs.map((cert, index) => ({ cert: pemOfSetting(cert), key: pemOfSetting(keys[index]!) }));
  return generatedKeyPairs(settings.prefix, kind);
}

/** The self-signed RSA and ECDSA pairs in `<prefix>/ssl/`, generated on first use. */
export function generatedKeyPairs(prefix: string, kind: ListenerKind): KeyPair[] {
  const dir = join(prefix, 'ssl');
  mkdirSync(dir, { recursive: true });
  const base = `${FILE_PREFIX[kind]}kong-default`;
  return [ensurePair(dir, base, 'rsa'), ensurePair(dir, `${base}-ecdsa`, 'ec')];
}

function ensurePair(dir: string, base: string, type: 'rsa' | 'ec'): KeyPair {
  const certFile = join(dir, `${base}.crt`);
  const keyFile = join(dir, `${base}.key`);
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    // Every worker binds its listeners at the same moment: one generates, the others wait, so a
    // certificate never ends up next to another worker's key.
    withLock(join(dir, `.${base}.lock`), () => {
      if (existsSync(certFile) && existsSync(keyFile)) return;
      generatePair(dir, certFile, keyFile, type);
    });
  }
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

function generatePair(dir: string, certFile: string, keyFile: string, type: 'rsa' | 'ec'): void {
  const { privateKey, publicKey } = type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const tmpKey = join(dir, `.${process.pid}.key.tmp`);
  const tmpCert = join(dir, `.${process.pid}.crt.tmp`);
  writeFileSync(tmpKey, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  writeFileSync(tmpCert, selfSignedCertificate(privateKey, publicKey, SUBJECT, VALID_DAYS));
  renameSync(tmpKey, keyFile);
  renameSync(tmpCert, certFile);
}

function withLock(lock: string, body: () => void): void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true }); // a crashed holder
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try { body(); } finally { rmSync(lock, { recursive: true, force: true }); }
}
