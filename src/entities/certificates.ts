// Certificates — kong/db/schema/entities/certificates.lua + kong/db/dao/certificates.lua.
// PEM cert/key must match; the optional alternative pair must be of a different key type;
// `snis` is transient input (SNI rows are the store's job) and output sorted.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { defineSchema, schemaViolation, typedefs } from '../schema/index.ts';
import type { CheckResult } from '../schema/index.ts';
import { baseFields, tagsField } from './common.ts';
import { defineEntity } from './definition.ts';

function parsePair(certPem: string, keyPem: string): { cert: X509Certificate; key: KeyObject } | null {
  try {
    return { cert: new X509Certificate(certPem), key: createPrivateKey(keyPem) };
  } catch {
    return null;
  }
}

function pairMatches(certPem: string, keyPem: string): boolean {
  const pair = parsePair(certPem, keyPem);
  if (!pair) return true; // unparsable input is reported by the field validators
  const fromKey = createPublicKey(pair.key).export({ type: 'spki', format: 'der' });
  const fromCert = pair.cert.publicKey.export({ type: 'spki', format: 'der' });
  return fromKey.equals(fromCert);
}

function keyType(certPem: string): string | undefined {
  try {
    return new X509Certificate(certPem).publicKey.asymmetricKeyType;
  } catch {
    return undefined;
  }
}

const pairCheck = (certField: string, keyField: string, message: string) => ({
  custom_entity_check: {
    field_sources: [certField, keyField],
    fn: (e: Record<string, any>): CheckResult => {
      if (typeof e[certField] !== 'string' || typeof e[keyField] !== 'string') return true;
      return pairMatches(e[certField], e[keyField]) || message;
    },
  },
});

export const certificateSchema = defineSchema({
  name: 'certificates',
  fields: {
    ...baseFields,
    cert: { ...typedefs.certificate, required: true, referenceable: true },
    key: { ...typedefs.key, required: true, referenceable: true, encrypted: true },
    cert_alt: { ...typedefs.certificate, referenceable: true },
    key_alt: { ...typedefs.key, referenceable: true, encrypted: true },
    tags: tagsField,
    snis: { type: 'array', elements: typedefs.wildcard_host, transient: true },
  },
  entity_checks: [
    { mutually_required: ['cert_alt', 'key_alt'] },
    pairCheck('cert', 'key', 'certificate does not match key'),
    pairCheck('cert_alt', 'key_alt', 'alternative certificate does not match key'),
    {
      custom_entity_check: {
        field_sources: ['cert', 'cert_alt'],
        fn: (e) => {
          if (typeof e.cert !== 'string' || typeof e.cert_alt !== 'string') return true;
          return keyType(e.cert) !== keyType(e.cert_alt)
            || 'certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type';
        },
      },
    },
  ],
});

/** The certificates DAO rejects a repeated SNI name before anything is written. */
function rejectDuplicateSnis(input: Record<string, unknown>): Record<string, unknown> {
  if (Array.isArray(input.snis)) {
    const seen = new Set<unknown>();
    for (const name of input.snis) {
      if (seen.has(name)) throw schemaViolation({ snis: `${String(name)} is duplicated` });
      seen.add(name);
    }
  }
  return input;
}

export const certificates = defineEntity({
  name: 'certificates',
  endpointKey: null,
  schema: certificateSchema,
  prepare: rejectDuplicateSnis,
  finalize: (row) => ({ ...row, snis: Array.isArray(row.snis) ? [...(row.snis as string[])].sort() : [] }),
});
