import { computeCheckDigit, validateIdNumber, validateResidentIdNumber } from './id-number';

const TODAY = '2026-06-15';
/** A number with a correct check character, whatever else is wrong with it. */
const withCheck = (first17: string) => first17 + computeCheckDigit(first17);

describe('computeCheckDigit (ISO 7064 MOD 11-2)', () => {
  it('matches the worked examples of GB 11643-1999', () => {
    expect(computeCheckDigit('11010519491231002')).toBe('X');
    expect(computeCheckDigit('44052418800101001')).toBe('4');
  });
  it('computes a sample Nanjing number', () => {
    expect(computeCheckDigit('32010219900101123')).toBe('2');
  });
  it('refuses anything but 17 digits (a programming error, not user input)', () => {
    expect(() => computeCheckDigit('3201021990010112')).toThrow(RangeError);
    expect(() => computeCheckDigit('3201021990010112A')).toThrow(RangeError);
  });
});

describe('validateResidentIdNumber', () => {
  it('[SEC-2] accepts a valid number and reads birth date and sex from it', () => {
    expect(validateResidentIdNumber(withCheck('32010219900101123'), TODAY)).toEqual({
      ok: true,
      normalized: '320102199001011232',
      birthDate: '1990-01-01',
      sex: 'M',
    });
    expect(validateResidentIdNumber('11010519491231002X', TODAY)).toMatchObject({ ok: true, sex: 'F' });
  });

  it('[SEC-2] accepts lower-case x, full-width characters and stray spaces, normalising them', () => {
    expect(validateResidentIdNumber('11010519491231002x', TODAY)).toMatchObject({
      ok: true,
      normalized: '11010519491231002X',
    });
    expect(validateResidentIdNumber(' １１０１０５ 19491231002ｘ ', TODAY)).toMatchObject({
      ok: true,
      normalized: '11010519491231002X',
    });
  });

  it('[SEC-2] a wrong check digit is ID_CHECK_DIGIT, without revealing the expected character', () => {
    const result = validateResidentIdNumber('320102199001011233', TODAY);
    expect(result).toMatchObject({ ok: false, problem: { code: 'ID_CHECK_DIGIT' } });
    if (!result.ok) {
      expect(result.problem.zh).toMatch(/校验位/);
      expect(result.problem.en).toMatch(/check character/);
      expect(result.problem.zh).not.toContain('2');
    }
    // two adjacent digits swapped
    expect(validateResidentIdNumber('320102199001012132', TODAY)).toMatchObject({
      problem: { code: 'ID_CHECK_DIGIT' },
    });
  });

  it('[SEC-2] an impossible birth date is ID_BIRTH_DATE even when the check digit fits', () => {
    expect(validateResidentIdNumber(withCheck('32010219900230123'), TODAY)).toMatchObject({
      ok: false,
      problem: { code: 'ID_BIRTH_DATE', en: expect.stringContaining('1990-02-30') },
    });
    expect(validateResidentIdNumber(withCheck('32010219901301123'), TODAY)).toMatchObject({
      problem: { code: 'ID_BIRTH_DATE' },
    });
    // 2000 was a leap year, 1900 was not
    expect(validateResidentIdNumber(withCheck('32010220000229123'), TODAY)).toMatchObject({ ok: true });
    expect(validateResidentIdNumber(withCheck('32010219000229123'), TODAY)).toMatchObject({
      problem: { code: 'ID_BIRTH_DATE' },
    });
  });

  it('[SEC-2] a birth date after today or before 1900 is ID_BIRTH_DATE', () => {
    expect(validateResidentIdNumber(withCheck('32010220300101123'), TODAY)).toMatchObject({
      problem: { code: 'ID_BIRTH_DATE', zh: expect.stringContaining('晚于今天') },
    });
    expect(validateResidentIdNumber(withCheck('32010220260616123'), TODAY)).toMatchObject({
      problem: { code: 'ID_BIRTH_DATE' },
    });
    expect(validateResidentIdNumber(withCheck('32010220260615123'), TODAY)).toMatchObject({ ok: true });
    // the standard's own 1880 example has a correct check digit but is refused as a trainee's
    expect(validateResidentIdNumber('440524188001010014', TODAY)).toMatchObject({
      problem: { code: 'ID_BIRTH_DATE', en: expect.stringContaining('before 1900') },
    });
    expect(validateResidentIdNumber(withCheck('32010219000101123'), TODAY)).toMatchObject({ ok: true });
  });

  it('[SEC-2] a region outside the province codes is ID_REGION; 83 (Taiwan residence permits) is a region', () => {
    for (const first17 of [
      '99010219900101123',
      '10010219900101123',
      '24010219900101123',
      '72010219900101123',
    ])
      expect(validateResidentIdNumber(withCheck(first17), TODAY)).toMatchObject({
        ok: false,
        problem: { code: 'ID_REGION' },
      });
    for (const first17 of [
      '11010219900101123',
      '65010219900101123',
      '71000019900101123',
      '83000019900101123',
    ])
      expect(validateResidentIdNumber(withCheck(first17), TODAY)).toMatchObject({ ok: true });
  });

  it('[SEC-2] anything not shaped like 17 digits and a check character is ID_FORMAT', () => {
    for (const value of [
      '',
      '32010219900101123',
      '3201021990010112322',
      '32010219900101123A',
      'X20102199001011232',
    ])
      expect(validateResidentIdNumber(value, TODAY)).toMatchObject({
        ok: false,
        problem: { code: 'ID_FORMAT' },
      });
    expect(validateResidentIdNumber('320102900101123', TODAY)).toMatchObject({
      problem: { code: 'ID_FORMAT', zh: expect.stringContaining('15 位') },
    });
  });

  it('refuses a malformed today rather than comparing against it', () => {
    expect(() => validateResidentIdNumber('11010519491231002X', '2026/06/15')).toThrow(RangeError);
  });
});

describe('validateIdNumber for other document types (basic shape only)', () => {
  it.each([
    ['passport', 'E12345678'],
    ['passport', 'ej1234567'],
    ['passport', '533380006'],
    ['hk_macao_permit', 'H12345678'],
    ['hk_macao_permit', 'M1234567801'],
    ['taiwan_permit', '12345678'],
    ['foreign_permanent_residence', 'USA110075061501'],
    ['foreign_permanent_residence', '933156199001011234'],
  ] as const)('%s %s is accepted', (idType, value) => {
    expect(validateIdNumber(idType, value, TODAY)).toEqual({ ok: true, normalized: value.toUpperCase() });
  });

  it.each([
    ['passport', 'E12'],
    ['passport', 'E1234-5678'],
    ['hk_macao_permit', 'A12345678'],
    ['hk_macao_permit', 'H1234567'],
    ['taiwan_permit', '1234567'],
    ['foreign_permanent_residence', '320102199001011232'],
  ] as const)('%s %s is ID_FORMAT', (idType, value) => {
    expect(validateIdNumber(idType, value, TODAY)).toMatchObject({
      ok: false,
      problem: { code: 'ID_FORMAT' },
    });
  });

  it('resident_id gets the full check', () => {
    expect(validateIdNumber('resident_id', '320102199001011233', TODAY)).toMatchObject({
      problem: { code: 'ID_CHECK_DIGIT' },
    });
    expect(validateIdNumber('resident_id', '320102199001011232', TODAY)).toMatchObject({
      ok: true,
      birthDate: '1990-01-01',
    });
  });
});
