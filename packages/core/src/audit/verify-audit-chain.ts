import type { DbOrTx } from '@seafarer/db';
import type { AuditVerifyResult } from '@seafarer/contracts';
import { checkChainRun, GENESIS_HASH } from './audit-chain';
import { readChainBatch } from './audit.repo';

/** Walks the whole chain in sequence order and reports the first row that does not verify. */
export async function verifyAuditChain(db: DbOrTx, batchSize = 2000): Promise<AuditVerifyResult> {
  let prev = GENESIS_HASH;
  let afterSeq = 0;
  let checked = 0;
  for (;;) {
    const rows = await readChainBatch(db, afterSeq, batchSize);
    if (rows.length === 0) return { ok: true, checked, firstBrokenSeq: null, reason: null };
    const { broken, last } = checkChainRun(rows, prev);
    if (broken) {
      const before = rows.findIndex((r) => r.seq === broken.seq);
      return { ok: false, checked: checked + before, firstBrokenSeq: broken.seq, reason: broken.reason };
    }
    checked += rows.length;
    prev = last;
    afterSeq = rows[rows.length - 1]!.seq;
  }
}
