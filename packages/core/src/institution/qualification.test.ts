import { holdsOnlineQualification, qualificationAfter } from './qualification';

describe('qualification measures', () => {
  const today = '2026-12-03';
  it('[JS-17] order correction needs a deadline after today and keeps the qualification while correcting', () => {
    expect(qualificationAfter('qualified', 'order_correction', '2026-12-31', today)).toEqual({
      ok: true,
      to: 'rectification',
    });
    expect(qualificationAfter('qualified', 'order_correction', today, today)).toMatchObject({
      ok: false,
      code: 'VALIDATION',
    });
    expect(qualificationAfter('qualified', 'order_correction', null, today)).toMatchObject({ ok: false });
    expect(holdsOnlineQualification('rectification')).toBe(true);
  });
  it('[JS-17] [JS-3] suspend and revoke take the qualification away; restore gives it back', () => {
    expect(qualificationAfter('qualified', 'suspend', null, today)).toEqual({ ok: true, to: 'suspended' });
    expect(qualificationAfter('suspended', 'revoke', null, today)).toEqual({ ok: true, to: 'revoked' });
    expect(qualificationAfter('revoked', 'restore', null, today)).toEqual({ ok: true, to: 'qualified' });
    expect(holdsOnlineQualification('suspended')).toBe(false);
    expect(holdsOnlineQualification('revoked')).toBe(false);
    expect(holdsOnlineQualification('none')).toBe(false);
  });
  it('[JS-17] a measure that does not fit the current status is a coded conflict, named in zh and en', () => {
    const v = qualificationAfter('revoked', 'suspend', null, today);
    expect(v).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(!v.ok && v.message.zh).toContain('撤销');
    expect(qualificationAfter('qualified', 'restore', null, today)).toMatchObject({ ok: false });
  });
});
