// Certificate/key values of kong.conf (`ssl_cert`, `admin_ssl_cert_key`, …): Kong 3.x accepts a
// file path, inline PEM, or base64-encoded PEM for each entry (kong/conf_loader).
import { readFileSync } from 'node:fs';
import { isInlinePem } from '../../config/checks.ts';

/** The PEM text of one setting entry. */
export function pemOfSetting(value: string): string {
  if (value.includes('-----BEGIN')) return value;
  if (isInlinePem(value)) return Buffer.from(value, 'base64').toString('utf8');
  return readFileSync(value, 'utf8');
}
