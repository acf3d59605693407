import type { ErrorCode, QualificationStatus } from '@seafarer/contracts';

/**
 * JS-3 / JS-17: whether the institution may run online training now. An order to correct by a deadline
 * (责令纠正、限期整改, seed 002 art. 17) leaves the qualification in place while it corrects; a suspension
 * or revocation (取消线上培训资格) takes it away, and "none" never had it.
 */
export const holdsOnlineQualification = (q: QualificationStatus): boolean =>
  q === 'qualified' || q === 'rectification';

export interface EligibilityFacts {
  qualification: QualificationStatus;
  licence: { status: string; issuedOn: string; expiresOn: string };
  itemKind: 'theory' | 'practical';
  /** Asia/Shanghai calendar date the class would run on (or today). */
  onDate: string;
}

/**
 * JS-2 + JS-3: an online class needs an institution with online-training qualification, a training item
 * covered by a licence valid on that date, and a theory item. Returns every reason it is refused.
 */
export function onlineEligibilityProblems(f: EligibilityFacts): ErrorCode[] {
  const problems: ErrorCode[] = [];
  if (!holdsOnlineQualification(f.qualification)) problems.push('NOT_QUALIFIED_ONLINE');
  if (f.licence.status !== 'active' || f.onDate < f.licence.issuedOn || f.onDate > f.licence.expiresOn)
    problems.push('ITEM_NOT_LICENSED');
  if (f.itemKind !== 'theory') problems.push('PRACTICAL_ITEM_NOT_ONLINE');
  return problems;
}
