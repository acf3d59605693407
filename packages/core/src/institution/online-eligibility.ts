import type { ErrorCode, QualificationStatus } from '@seafarer/contracts';

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
  if (f.qualification !== 'qualified') problems.push('NOT_QUALIFIED_ONLINE');
  if (f.licence.status !== 'active' || f.onDate < f.licence.issuedOn || f.onDate > f.licence.expiresOn)
    problems.push('ITEM_NOT_LICENSED');
  if (f.itemKind !== 'theory') problems.push('PRACTICAL_ITEM_NOT_ONLINE');
  return problems;
}
