import type { AuditEventView } from '@seafarer/contracts';
import type { Db } from '@seafarer/db';
import { listAuditEvents } from './audit.repo';
import { verifyAuditChain } from './verify-audit-chain';

export function createAuditService(deps: { db: Db }) {
  return {
    async list(q: {
      institutionId: string;
      action?: string;
      beforeSeq?: number;
      limit?: number;
    }): Promise<AuditEventView[]> {
      const rows = await listAuditEvents(deps.db, { ...q, limit: q.limit ?? 100 });
      return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
    },
    verify: () => verifyAuditChain(deps.db),
  };
}
