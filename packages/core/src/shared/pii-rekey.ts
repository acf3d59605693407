import { eq } from 'drizzle-orm';
import { people, rosterEntries, type Db } from '@seafarer/db';
import type { PiiCipher } from './pii';

export interface RekeyResult {
  /** Values re-encrypted from the old key to the new one. */
  rekeyed: number;
  /** Values already under the new key (left as they are). */
  current: number;
  /** Values neither key opens (left as they are, counted so the operator hears of them). */
  unreadable: number;
}

/**
 * SEC-3: re-encrypts the stored ID numbers and phones from one PII key to another and recomputes their
 * lookup hashes, in one transaction. Idempotent: a value the new key already opens is left alone, so an
 * interrupted or repeated run is harmless. Used when an installation that ran on the built-in test key
 * gets its own (the start command's first run with a secrets file).
 */
export async function rekeyPii(db: Db, from: PiiCipher, to: PiiCipher): Promise<RekeyResult> {
  const result: RekeyResult = { rekeyed: 0, current: 0, unreadable: 0 };
  /** The value under the new key, or null when it is already there or unreadable. */
  const move = (sealed: string | null): { sealed: string; plain: string } | null => {
    if (sealed === null) return null;
    try {
      to.decrypt(sealed);
      result.current += 1;
      return null;
    } catch {
      /* not under the new key: try the old one */
    }
    try {
      const plain = from.decrypt(sealed);
      result.rekeyed += 1;
      return { sealed: to.encrypt(plain), plain };
    } catch {
      result.unreadable += 1;
      return null;
    }
  };
  await db.transaction(async (tx) => {
    for (const p of await tx
      .select({ id: people.id, idNumberEnc: people.idNumberEnc, phoneEnc: people.phoneEnc })
      .from(people)) {
      const id = move(p.idNumberEnc);
      const phone = move(p.phoneEnc);
      if (!id && !phone) continue;
      await tx
        .update(people)
        .set({
          ...(id && { idNumberEnc: id.sealed, idNumberHash: to.lookupHash(id.plain) }),
          ...(phone && { phoneEnc: phone.sealed }),
        })
        .where(eq(people.id, p.id));
    }
    for (const r of await tx
      .select({
        id: rosterEntries.id,
        idNumberEnc: rosterEntries.idNumberEnc,
        phoneEnc: rosterEntries.phoneEnc,
      })
      .from(rosterEntries)) {
      const id = move(r.idNumberEnc);
      const phone = move(r.phoneEnc);
      if (!id && !phone) continue;
      await tx
        .update(rosterEntries)
        .set({
          ...(id && { idNumberEnc: id.sealed, idNumberHash: to.lookupHash(id.plain) }),
          ...(phone && { phoneEnc: phone.sealed }),
        })
        .where(eq(rosterEntries.id, r.id));
    }
  });
  return result;
}
