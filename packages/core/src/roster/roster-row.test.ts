import { computeCheckDigit } from './id-number';
import {
  cellError,
  parseEducation,
  parseIdType,
  validateRosterRows,
  type RawRow,
  type RowError,
} from './roster-row';

const TODAY = '2026-06-15';
const withCheck = (first17: string) => first17 + computeCheckDigit(first17);
const ID_A = withCheck('32010219900101123'); // 320102199001011232
const ID_B = withCheck('32058219851120004');
const ID_C = withCheck('31011519780704561');

const row = (overrides: RawRow = {}): RawRow => ({
  name: '张三',
  idType: '居民身份证',
  idNumber: ID_A,
  phone: '13812345678',
  education: '高中',
  ...overrides,
});

function errorsOf(rows: RawRow[], opts: Partial<Parameters<typeof validateRosterRows>[1]> = {}): RowError[] {
  const result = validateRosterRows(rows, { today: TODAY, ...opts });
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('roster record fields', () => {
  it('[JS-15] a complete row is accepted and normalised, with the seafaring record', () => {
    const result = validateRosterRows(
      [
        row({
          name: '  王海生 ',
          idNumber: ID_A.toLowerCase(),
          phone: '+86 138-1234-5678',
          education: '中专/职高',
          serviceMonths: '36',
          currentCertificate: '三副适任证书',
          certificateNumber: 'JS3201021990',
          lastVessel: '苏海 18',
        }),
      ],
      { today: TODAY },
    );
    expect(result).toEqual({
      ok: true,
      rows: [
        {
          row: 2,
          name: '王海生',
          idType: 'resident_id',
          idNumber: ID_A,
          phone: '13812345678',
          education: 'vocational',
          serviceMonths: 36,
          currentCertificate: '三副适任证书',
          certificateNumber: 'JS3201021990',
          lastVessel: '苏海 18',
          birthDate: '1990-01-01',
          sex: 'M',
        },
      ],
    });
  });

  it('[JS-15] the seafaring record is optional; blank cells leave it out', () => {
    const result = validateRosterRows(
      [row({ serviceMonths: '', currentCertificate: '  ', lastVessel: null })],
      {
        today: TODAY,
      },
    );
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.rows[0]).not.toHaveProperty('serviceMonths');
      expect(result.rows[0]).not.toHaveProperty('currentCertificate');
      expect(result.rows[0]).not.toHaveProperty('lastVessel');
    }
  });

  it('[JS-15] ID types and education levels are accepted by Chinese label or by value', () => {
    expect(parseIdType('身份证')).toBe('resident_id');
    expect(parseIdType('居民身份证')).toBe('resident_id');
    expect(parseIdType('护照')).toBe('passport');
    expect(parseIdType('港澳居民来往内地通行证')).toBe('hk_macao_permit');
    expect(parseIdType('台湾居民来往大陆通行证')).toBe('taiwan_permit');
    expect(parseIdType('外国人永久居留身份证')).toBe('foreign_permanent_residence');
    expect(parseIdType('Passport')).toBe('passport');
    expect(parseIdType('往来港澳通行证')).toBeUndefined(); // a mainlander's permit, not an identity document here
    expect(parseEducation('小学')).toBe('primary');
    expect(parseEducation('初中')).toBe('junior_secondary');
    expect(parseEducation('高中')).toBe('senior_secondary');
    expect(parseEducation('中专')).toBe('vocational');
    expect(parseEducation('职高')).toBe('vocational');
    expect(parseEducation('中专 / 职高')).toBe('vocational');
    expect(parseEducation('大专')).toBe('associate');
    expect(parseEducation('本科')).toBe('bachelor');
    expect(parseEducation('硕士')).toBe('master');
    expect(parseEducation('博士')).toBe('doctorate');
    expect(parseEducation('bachelor')).toBe('bachelor');
    expect(parseEducation('研究生')).toBeUndefined(); // ambiguous between master and doctorate
  });

  it('[JS-15] every required field must be present', () => {
    const errors = errorsOf([{ name: ' ', idType: '', idNumber: undefined, phone: null }]);
    expect(errors.map((e) => [e.row, e.field, e.code])).toEqual([
      [2, 'name', 'REQUIRED'],
      [2, 'idType', 'REQUIRED'],
      [2, 'idNumber', 'REQUIRED'],
      [2, 'phone', 'REQUIRED'],
      [2, 'education', 'REQUIRED'],
    ]);
    expect(errors[0]).toMatchObject({ zh: '姓名不能为空', en: 'Name is required' });
  });

  it('[JS-15] names are 1–50 characters, counted as characters not UTF-16 units', () => {
    expect(validateRosterRows([row({ name: '𠮷'.repeat(50) })], { today: TODAY }).ok).toBe(true);
    expect(errorsOf([row({ name: '张'.repeat(51) })])).toEqual([
      expect.objectContaining({ row: 2, field: 'name', code: 'TOO_LONG', zh: '姓名不能超过 50 个字符' }),
    ]);
  });

  it('[JS-15] unknown ID type and education are named back with the allowed labels', () => {
    const errors = errorsOf([row({ idType: '军官证', education: '幼儿园' })]);
    expect(errors).toEqual([
      expect.objectContaining({
        field: 'idType',
        code: 'ID_TYPE_UNKNOWN',
        zh: expect.stringContaining('“军官证”'),
      }),
      expect.objectContaining({
        field: 'education',
        code: 'EDUCATION_UNKNOWN',
        en: expect.stringContaining('本科'),
      }),
    ]);
  });

  it('[JS-15] [SEC-2] the ID number is checked for its type', () => {
    expect(errorsOf([row({ idNumber: '320102199001011233' })])).toEqual([
      expect.objectContaining({ field: 'idNumber', code: 'ID_CHECK_DIGIT' }),
    ]);
    expect(errorsOf([row({ idNumber: withCheck('32010219900230123') })])[0]).toMatchObject({
      code: 'ID_BIRTH_DATE',
    });
    expect(errorsOf([row({ idNumber: withCheck('32010220300101123') })])[0]).toMatchObject({
      code: 'ID_BIRTH_DATE',
    });
    expect(errorsOf([row({ idNumber: withCheck('99010219900101123') })])[0]).toMatchObject({
      code: 'ID_REGION',
    });
    expect(errorsOf([row({ idType: '护照', idNumber: 'E1' })])[0]).toMatchObject({ code: 'ID_FORMAT' });
    const passport = validateRosterRows([row({ idType: '护照', idNumber: 'e12345678' })], { today: TODAY });
    expect(passport).toMatchObject({ ok: true, rows: [{ idType: 'passport', idNumber: 'E12345678' }] });
    if (passport.ok) expect(passport.rows[0]).not.toHaveProperty('birthDate');
  });

  it('[SEC-2] an ID number stored as a number is ID_FORMAT with a hint to format the column as text', () => {
    // What Excel keeps of 320102199001011232 typed into a General cell.
    const errors = errorsOf([row({ idNumber: Number('320102199001011232') })]);
    expect(errors).toEqual([expect.objectContaining({ field: 'idNumber', code: 'ID_FORMAT' })]);
    expect(errors[0]?.zh).toContain('文本');
    expect(errors[0]?.en).toContain('Text');
    // ...and what a CSV saved from Excel then contains
    expect(errorsOf([row({ idNumber: '3.20102E+17' })])[0]).toMatchObject({
      code: 'ID_FORMAT',
      zh: expect.stringContaining('科学计数法'),
    });
    // a short number survives as a number but loses leading zeros; the hint is added to the usual error
    expect(errorsOf([row({ idType: '台胞证', idNumber: 1234567 })])[0]).toMatchObject({
      code: 'ID_FORMAT',
      en: expect.stringContaining('leading zeros'),
    });
    expect(validateRosterRows([row({ idType: '台胞证', idNumber: 12345678 })], { today: TODAY }).ok).toBe(
      true,
    );
  });

  it('[JS-15] phones are checked and normalised; a numeric phone cell is fine', () => {
    expect(errorsOf([row({ phone: '025-8888 8888' })])).toEqual([
      expect.objectContaining({ field: 'phone', code: 'PHONE_FORMAT' }),
    ]);
    expect(validateRosterRows([row({ phone: 13812345678 })], { today: TODAY })).toMatchObject({
      ok: true,
      rows: [{ phone: '13812345678' }],
    });
  });

  it('[JS-15] months of sea service are a whole number from 0 to 720', () => {
    for (const ok of ['0', '720', 12, '１２'])
      expect(validateRosterRows([row({ serviceMonths: ok })], { today: TODAY }).ok).toBe(true);
    for (const bad of ['721', '-1', '12.5', 12.5, '三十', '12个月'])
      expect(errorsOf([row({ serviceMonths: bad })])).toEqual([
        expect.objectContaining({ field: 'serviceMonths', code: 'SERVICE_MONTHS_INVALID' }),
      ]);
  });

  it('[JS-15] the seafaring record texts have length limits', () => {
    const errors = errorsOf([
      row({
        currentCertificate: 'a'.repeat(101),
        certificateNumber: '1'.repeat(51),
        lastVessel: '船'.repeat(101),
      }),
    ]);
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['currentCertificate', 'TOO_LONG'],
      ['certificateNumber', 'TOO_LONG'],
      ['lastVessel', 'TOO_LONG'],
    ]);
    expect(
      validateRosterRows(
        [
          row({
            currentCertificate: 'a'.repeat(100),
            certificateNumber: '1'.repeat(50),
            lastVessel: '船'.repeat(100),
          }),
        ],
        { today: TODAY },
      ).ok,
    ).toBe(true);
  });
});

describe('the roster as a whole', () => {
  it('[JS-15] all or nothing: every error of every row is reported, rows numbered as in the spreadsheet', () => {
    const result = validateRosterRows(
      [
        row(),
        row({ idNumber: ID_B, phone: 'bad', education: '幼儿园' }),
        row({ idNumber: ID_C, phone: '13900000000', name: '' }),
      ],
      { today: TODAY },
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.map((e) => [e.row, e.field, e.code])).toEqual([
        [3, 'phone', 'PHONE_FORMAT'],
        [3, 'education', 'EDUCATION_UNKNOWN'],
        [4, 'name', 'REQUIRED'],
      ]);
  });

  it('[JS-15] uses the source row numbers when the file reader supplies them', () => {
    const errors = errorsOf([row({ sourceRow: 3 }), row({ sourceRow: 7, idNumber: ID_B, phone: 'x' })]);
    expect(errors).toEqual([expect.objectContaining({ row: 7, field: 'phone' })]);
  });

  it('[JS-15] duplicate ID numbers in the file are reported on both rows; the later names the earlier', () => {
    const errors = errorsOf([
      row(),
      row({ idNumber: ID_B, phone: '13900000001' }),
      row({ idNumber: ID_A.toLowerCase(), phone: '13900000002' }),
      row({ idNumber: ` ${ID_A} `, phone: '13900000003' }),
    ]);
    expect(errors).toEqual([
      expect.objectContaining({
        row: 2,
        field: 'idNumber',
        code: 'ID_DUPLICATE_IN_FILE',
        zh: expect.stringContaining('第 4、5 行'),
      }),
      expect.objectContaining({
        row: 4,
        field: 'idNumber',
        code: 'ID_DUPLICATE_IN_FILE',
        column: '证件号码',
        zh: '证件号码与第 2 行重复',
        en: 'ID number is the same as in row 2',
      }),
      expect.objectContaining({
        row: 5,
        field: 'idNumber',
        code: 'ID_DUPLICATE_IN_FILE',
        zh: '证件号码与第 2 行重复',
      }),
    ]);
  });

  it('[JS-15] an ID number already in the class is ID_ALREADY_ENROLLED', () => {
    const errors = errorsOf([row(), row({ idNumber: ID_B, phone: '13900000001' })], {
      existingIdNumbers: new Set([ID_B.toLowerCase()]),
    });
    expect(errors).toEqual([
      expect.objectContaining({ row: 3, field: 'idNumber', code: 'ID_ALREADY_ENROLLED' }),
    ]);
  });

  it('[JS-15] duplicate phones in the file are reported on both rows, however they were written', () => {
    const errors = errorsOf([row(), row({ idNumber: ID_B, phone: '+86 138 1234 5678' })]);
    expect(errors).toEqual([
      expect.objectContaining({ row: 2, field: 'phone', code: 'PHONE_DUPLICATE_IN_FILE' }),
      expect.objectContaining({
        row: 3,
        field: 'phone',
        code: 'PHONE_DUPLICATE_IN_FILE',
        column: '手机号',
        en: 'Mobile phone is the same as in row 2',
      }),
    ]);
  });

  it('[JS-6] more trainees than the licensed capacity is a file-level CAPACITY_EXCEEDED naming the numbers', () => {
    const rows = [
      row(),
      row({ idNumber: ID_B, phone: '13900000001' }),
      row({ idNumber: ID_C, phone: '13900000002' }),
    ];
    const errors = errorsOf(rows, { capacity: 40, alreadyEnrolled: 38 });
    expect(errors).toEqual([
      {
        row: 0,
        field: '',
        column: '',
        columnEn: '',
        code: 'CAPACITY_EXCEEDED',
        zh: '本班核定规模为 40 人，已有 38 人，本次导入 3 人，合计 41 人，超出 1 人',
        en: 'The class is licensed for 40 trainees; 38 are enrolled and this file adds 3 (41 in all), 1 too many',
      },
    ]);
    expect(validateRosterRows(rows, { today: TODAY, capacity: 40, alreadyEnrolled: 37 }).ok).toBe(true);
    expect(validateRosterRows(rows, { today: TODAY, capacity: 3 }).ok).toBe(true);
    expect(errorsOf(rows, { capacity: 2 })[0]).toMatchObject({ code: 'CAPACITY_EXCEEDED' });
  });

  it('[JS-6] capacity is reported together with row errors, file-level first', () => {
    const errors = errorsOf([row({ phone: 'x' })], { capacity: 0 });
    expect(errors.map((e) => [e.row, e.code])).toEqual([
      [0, 'CAPACITY_EXCEEDED'],
      [2, 'PHONE_FORMAT'],
    ]);
  });

  it('an empty roster is refused', () => {
    expect(errorsOf([])).toEqual([expect.objectContaining({ row: 0, code: 'ROSTER_EMPTY' })]);
  });
});

describe('row errors name their column', () => {
  it('[JS-15] a cell error carries the template header and its message starts with it, once', () => {
    expect(
      cellError(4, 'idNumber', {
        code: 'ID_CHECK_DIGIT',
        zh: '校验位不正确',
        en: 'The check digit is wrong',
      }),
    ).toEqual({
      row: 4,
      field: 'idNumber',
      column: '证件号码',
      columnEn: 'ID number',
      code: 'ID_CHECK_DIGIT',
      zh: '证件号码：校验位不正确',
      en: 'ID number: The check digit is wrong',
    });
    // A message that already names the column is not prefixed twice.
    expect(
      cellError(2, 'phone', { code: 'REQUIRED', zh: '手机号不能为空', en: 'Mobile phone is required' }),
    ).toMatchObject({
      zh: '手机号不能为空',
      en: 'Mobile phone is required',
    });
  });

  it('[JS-15] ID types and education levels are read by their English and bilingual names too', () => {
    expect(parseIdType('居民身份证 Resident ID card')).toBe('resident_id');
    expect(parseIdType('Passport')).toBe('passport');
    expect(parseEducation("本科 Bachelor's degree")).toBe('bachelor');
    expect(parseEducation('高中 Senior secondary school')).toBe('senior_secondary');
  });
});
