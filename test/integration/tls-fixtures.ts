// Real certificates for the TLS tests, made with the openssl CLI in a temporary directory:
// self-signed pairs, a CA issuing server/client/intermediate certificates, RSA or ECDSA keys.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaCertificate, Certificate, Sni } from '../../src/entities/types.ts';

export interface Pem { cert: string; key: string }

export type KeyType = 'ec' | 'rsa';

export class CertificateFactory {
  readonly dir = mkdtempSync(join(tmpdir(), 'portico-tls-fixtures-'));
  private serial = 0;

  private keyArgs(type: KeyType): string[] {
    return type === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
  }

  private files(): { key: string; cert: string; csr: string; ext: string } {
    this.serial += 1;
    const base = join(this.dir, `c${this.serial}`);
    return { key: `${base}.key`, cert: `${base}.crt`, csr: `${base}.csr`, ext: `${base}.ext` };
  }

  /** A self-signed certificate with `names` as subjectAltName (DNS names and IPs). */
  selfSigned(commonName: string, names: string[] = [commonName], type: KeyType = 'ec'): Pem {
    const file = this.files();
    execFileSync('openssl', ['req', '-x509', ...this.keyArgs(type), '-nodes', '-subj', `/CN=${commonName}`, '-days', '2',
      '-addext', `subjectAltName=${altNames(names)}`, '-keyout', file.key, '-out', file.cert], { stdio: 'pipe' });
    return { cert: readFileSync(file.cert, 'utf8'), key: readFileSync(file.key, 'utf8') };
  }

  /** A self-signed CA. */
  authority(commonName: string): Pem {
    const file = this.files();
    execFileSync('openssl', ['req', '-x509', ...this.keyArgs('ec'), '-nodes', '-subj', `/CN=${commonName}`, '-days', '2',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', file.key, '-out', file.cert], { stdio: 'pipe' });
    return { cert: readFileSync(file.cert, 'utf8'), key: readFileSync(file.key, 'utf8') };
  }

  /** A certificate issued by `issuer`: a server/client leaf for `names`, or an intermediate CA. */
  issue(issuer: Pem, commonName: string, options: { names?: string[]; ca?: boolean; type?: KeyType } = {}): Pem {
    const file = this.files();
    const issuerCert = `${file.cert}.issuer.pem`;
    const issuerKey = `${file.key}.issuer.pem`;
    writeFileSync(issuerCert, issuer.cert);
    writeFileSync(issuerKey, issuer.key);
    execFileSync('openssl', ['req', '-new', ...this.keyArgs(options.type ?? 'ec'), '-nodes', '-subj', `/CN=${commonName}`,
      '-keyout', file.key, '-out', file.csr], { stdio: 'pipe' });
    const extensions = options.ca === true
      ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n'
      : `basicConstraints=CA:FALSE\nsubjectAltName=${altNames(options.names ?? [commonName])}\nextendedKeyUsage=serverAuth,clientAuth\n`;
    writeFileSync(file.ext, extensions);
    execFileSync('openssl', ['x509', '-req', '-in', file.csr, '-CA', issuerCert, '-CAkey', issuerKey, '-set_serial', String(1000 + this.serial),
      '-days', '2', '-sha256', '-extfile', file.ext, '-out', file.cert], { stdio: 'pipe' });
    return { cert: readFileSync(file.cert, 'utf8'), key: readFileSync(file.key, 'utf8') };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function altNames(names: string[]): string {
  return names.map((name) => (/^[\d.]+$/.test(name) || name.includes(':') ? `IP:${name}` : `DNS:${name}`)).join(',');
}

let clock = 1_700_000_000;

/** A certificates row (optionally with an alternative pair) and its SNI rows. */
export function certificateRows(pem: Pem, snis: string[], alt?: Pem): { certificate: Certificate; snis: Sni[] } {
  clock += 1;
  const certificate: Certificate = {
    id: randomUUID(), created_at: clock, updated_at: clock, cert: pem.cert, key: pem.key,
    cert_alt: alt?.cert ?? null, key_alt: alt?.key ?? null, tags: null,
  };
  return {
    certificate,
    snis: snis.map((name) => ({ id: randomUUID(), created_at: clock, updated_at: clock, name, certificate: { id: certificate.id }, tags: null })),
  };
}

export function caCertificateRow(pem: Pem): CaCertificate {
  clock += 1;
  return { id: randomUUID(), created_at: clock, updated_at: clock, cert: pem.cert, cert_digest: randomUUID().replaceAll('-', ''), tags: null };
}
