// Certificates own their SNIs (kong/db/dao/certificates.lua): output lists the SNI names sorted,
// and a write carrying `snis` first checks that no name belongs to another certificate, then
// replaces the certificate's SNI rows with exactly that list.
import { ErrorCode, KongError } from '../../core/errors.ts';
import type { Row, Store } from '../../store/types.ts';
import type { CrudEntities, CrudEntity } from './definition.ts';
import { allByForeign, foreignIdOf } from './lookup.ts';
import type { EntityWriter } from './writer.ts';

function certificateSnis(store: Store, certificateId: string): Promise<Row[]> {
  return allByForeign(store, 'snis', 'certificate', certificateId);
}

/** Output decoration shared by every endpoint that returns entities. */
export async function presentRow(store: Store, def: CrudEntity, row: Row): Promise<Record<string, unknown>> {
  if (def.name !== 'certificates') return row;
  const names = (await certificateSnis(store, row.id)).map((sni) => String(sni.name)).sort();
  return { ...row, snis: names };
}

function snisViolation(message: string): KongError {
  return new KongError(ErrorCode.SCHEMA_VIOLATION, `schema violation (snis: ${message})`, { snis: message });
}

export function certificateWriteHook(store: Store, writer: EntityWriter, defs: CrudEntities) {
  return async (def: CrudEntity, row: Row, input: Record<string, unknown>): Promise<{ row: Row; after: (stored: Row) => Promise<void> }> => {
    const { snis: _transient, ...bare } = row;
    const stripped = bare as Row;
    if (def.name !== 'certificates' || !Array.isArray(input.snis)) {
      return { row: def.name === 'certificates' ? stripped : row, after: async () => {} };
    }
    const wanted = [...new Set((row.snis as unknown[] | undefined ?? []).map(String))];
    for (const name of wanted) {
      const owner = await store.selectByUnique('snis', 'name', name);
      const ownerId = owner ? foreignIdOf(owner, 'certificate') : null;
      if (ownerId !== null && ownerId !== row.id) throw snisViolation(`${name} already associated with existing certificate '${ownerId}'`);
    }
    const sniDef = defs.snis!;
    return {
      row: stripped,
      after: async (stored) => {
        const current = await certificateSnis(store, stored.id);
        for (const sni of current) if (!wanted.includes(String(sni.name))) await writer.delete('snis', sni.id, null);
        const have = new Set(current.map((sni) => String(sni.name)));
        for (const name of wanted) {
          if (have.has(name)) continue;
          await writer.insert('snis', await sniDef.validate({ name, certificate: { id: stored.id } }, 'insert'));
        }
      },
    };
  };
}

/**
 * Kong's certificates DAO deletes the SNIs before the certificate. Here both happen in one
 * transaction, so a certificate still used as a `client_certificate` (restrict → 400) keeps its
 * SNIs. DB-less writes fall through to the refusing writer.
 */
export function certificateDeleteHook(store: Store, dbless: boolean) {
  return async (def: CrudEntity, row: Row): Promise<boolean> => {
    if (def.name !== 'certificates' || dbless) return false;
    await store.transaction(async (tx) => {
      for (const sni of await allByForeign(tx, 'snis', 'certificate', row.id)) await tx.delete('snis', sni.id);
      await tx.delete('certificates', row.id);
    });
    return true;
  };
}
