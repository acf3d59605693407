import { onlineEligibilityProblems, type EligibilityFacts } from './online-eligibility';

const ok: EligibilityFacts = {
  qualification: 'qualified',
  licence: { status: 'active', issuedOn: '2025-01-01', expiresOn: '2027-12-31' },
  itemKind: 'theory',
  onDate: '2026-06-01',
};

describe('online eligibility rule', () => {
  it('[JS-3] a qualified institution with a valid licence may run a theory item online', () => {
    expect(onlineEligibilityProblems(ok)).toEqual([]);
  });
  it('[JS-3] no qualification, or a licence that is revoked or not valid on the date, is refused', () => {
    expect(onlineEligibilityProblems({ ...ok, qualification: 'revoked' })).toEqual(['NOT_QUALIFIED_ONLINE']);
    expect(onlineEligibilityProblems({ ...ok, licence: { ...ok.licence, status: 'revoked' } })).toEqual([
      'ITEM_NOT_LICENSED',
    ]);
    expect(onlineEligibilityProblems({ ...ok, onDate: '2028-01-01' })).toEqual(['ITEM_NOT_LICENSED']);
  });
  it('[JS-2] a practical item is never eligible', () => {
    expect(onlineEligibilityProblems({ ...ok, itemKind: 'practical' })).toEqual([
      'PRACTICAL_ITEM_NOT_ONLINE',
    ]);
  });
});
