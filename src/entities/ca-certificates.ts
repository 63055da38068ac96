// CA certificates — kong/db/schema/entities/ca_certificates.lua. One PEM certificate, which
// must be a CA and not expired; `cert_digest` (sha256 hex of the DER) is computed on write.
import { X509Certificate } from 'node:crypto';
import { defineSchema, typedefs } from '../schema/index.ts';
import type { CheckResult } from '../schema/index.ts';
import { baseFields, tagsField } from './common.ts';
import { defineEntity } from './definition.ts';

const CERT_BEGIN = /-----BEGIN CERTIFICATE-----/g;

function checkCaCertificate(entity: Record<string, any>): CheckResult {
  const pem = entity.cert;
  if (typeof pem !== 'string') return true;
  if ((pem.match(CERT_BEGIN) ?? []).length > 1) return 'please submit only one certificate at a time';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return true; // the field validator already reported it
  }
  if (Date.now() > Date.parse(cert.validTo)) return 'certificate expired, "Not After" time is in the past';
  if (!cert.ca) return 'certificate does not appear to be a CA because it is missing the "CA" basic constraint';
  return true;
}

export function certificateDigest(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase();
}

export const caCertificateSchema = defineSchema({
  name: 'ca_certificates',
  fields: {
    ...baseFields,
    cert: { ...typedefs.certificate, required: true },
    cert_digest: { type: 'string', unique: true },
    tags: tagsField,
  },
  entity_checks: [{ custom_entity_check: { field_sources: ['cert'], fn: checkCaCertificate } }],
});

export const caCertificates = defineEntity({
  name: 'ca_certificates',
  endpointKey: null,
  schema: caCertificateSchema,
  finalize: (row) => ({ ...row, cert_digest: certificateDigest(row.cert as string) }),
});
