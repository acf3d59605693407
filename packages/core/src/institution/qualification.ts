import {
  QUALIFICATION_LABELS,
  SANCTION_KIND_LABELS,
  type LocalizedText,
  type QualificationStatus,
  type SanctionKind,
} from '@seafarer/contracts';
import { sanctions, type Tx } from '@seafarer/db';
import type { AuditInput } from '../audit/audit.repo';
import { calendarDaysBetween } from '../shared/clock';
import * as repo from './institution.repo';
import { holdsOnlineQualification } from './online-eligibility';

export { holdsOnlineQualification };

const FROM: Readonly<Record<SanctionKind, readonly QualificationStatus[]>> = {
  order_correction: ['qualified', 'rectification'],
  suspend: ['qualified', 'rectification'],
  revoke: ['qualified', 'rectification', 'suspended'],
  // Restoring also grants a first qualification (the platform admin's path).
  restore: ['rectification', 'suspended', 'revoked', 'none'],
};
/** The status each measure leaves the qualification in. */
export const SANCTION_RESULT: Readonly<Record<SanctionKind, QualificationStatus>> = {
  order_correction: 'rectification',
  suspend: 'suspended',
  revoke: 'revoked',
  restore: 'qualified',
};

/** The measure a requested status stands for (the platform admin's PUT …/qualification names statuses). */
export const SANCTION_FOR_STATUS: Readonly<Partial<Record<QualificationStatus, SanctionKind>>> = {
  qualified: 'restore',
  rectification: 'order_correction',
  suspended: 'suspend',
  revoked: 'revoke',
};

export type QualificationVerdict =
  | { ok: true; to: QualificationStatus }
  | { ok: false; code: 'CONFLICT' | 'VALIDATION'; message: LocalizedText };

/**
 * JS-17: what a measure does to the qualification, or why it cannot be taken now. An order to correct
 * needs a deadline after today (China date).
 */
export function qualificationAfter(
  current: QualificationStatus,
  kind: SanctionKind,
  deadline: string | null,
  today: string,
): QualificationVerdict {
  if (!FROM[kind].includes(current)) {
    const q = QUALIFICATION_LABELS[current];
    const k = SANCTION_KIND_LABELS[kind];
    return {
      ok: false,
      code: 'CONFLICT',
      message: {
        zh: `该机构线上培训资格为“${q.zh}”，不能${k.zh}`,
        en: `The institution's qualification is "${q.en}": cannot ${k.en.toLowerCase()}`,
      },
    };
  }
  if (kind === 'order_correction' && (!deadline || calendarDaysBetween(today, deadline) < 1))
    return {
      ok: false,
      code: 'VALIDATION',
      message: {
        zh: '责令整改须设定今天之后的整改期限',
        en: 'An order to correct needs a deadline after today',
      },
    };
  return { ok: true, to: SANCTION_RESULT[kind] };
}

/**
 * JS-17: the one way an institution's online-training qualification changes: the measure is kept in
 * the sanctions table (its history) and the institution follows it, in the caller's transaction. The
 * caller has checked `qualificationAfter` and appends the returned audit event.
 */
export async function applySanction(
  tx: Tx,
  m: {
    institutionId: string;
    kind: SanctionKind;
    to: QualificationStatus;
    from: QualificationStatus;
    reason: string;
    deadline: string | null;
    itemId: string | null;
    issuedBy: string;
    at: Date;
  },
): Promise<{
  institution: NonNullable<Awaited<ReturnType<typeof repo.findInstitution>>>;
  sanction: typeof sanctions.$inferSelect;
  audit: AuditInput;
}> {
  const [sanction] = await tx
    .insert(sanctions)
    .values({
      institutionId: m.institutionId,
      kind: m.kind,
      reason: m.reason,
      deadline: m.deadline,
      itemId: m.itemId,
      issuedBy: m.issuedBy,
      issuedAt: m.at,
    })
    .returning();
  const institution = await repo.updateInstitution(tx, m.institutionId, {
    onlineQualification: m.to,
    qualificationNote: m.reason,
    qualificationChangedAt: m.at,
  });
  return {
    institution,
    sanction: sanction!,
    audit: {
      action: 'institution.qualification_changed',
      targetType: 'institution',
      targetId: m.institutionId,
      institutionId: m.institutionId,
      jurisdictionId: institution.jurisdictionId,
      data: {
        from: m.from,
        to: m.to,
        note: m.reason,
        sanctionId: sanction!.id,
        kind: m.kind,
        deadline: m.deadline,
        itemId: m.itemId,
      },
    },
  };
}
