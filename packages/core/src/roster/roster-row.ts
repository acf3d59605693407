import { EDUCATION_NAMES, ID_TYPE_NAMES, type LocalizedText } from '@seafarer/contracts';
import { normalizeIdNumber, validateIdNumber, type IdType } from './id-number';
import { validateMobilePhone } from './phone';
import type { Problem } from './problem';

/** JS-15: the fields of one trainee's roster record, in the order of the template's columns. */
export const ROSTER_FIELDS = [
  'name',
  'idType',
  'idNumber',
  'phone',
  'education',
  'serviceMonths',
  'currentCertificate',
  'certificateNumber',
  'lastVessel',
] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

export const REQUIRED_FIELDS: readonly RosterField[] = ['name', 'idType', 'idNumber', 'phone', 'education'];

/** How each field is named to people: template headers, error messages. */
export const FIELD_LABELS: Record<RosterField, LocalizedText> = {
  name: { zh: '姓名', en: 'Name' },
  idType: { zh: '证件类型', en: 'ID type' },
  idNumber: { zh: '证件号码', en: 'ID number' },
  phone: { zh: '手机号', en: 'Mobile phone' },
  education: { zh: '学历', en: 'Education' },
  serviceMonths: { zh: '海上服务月数', en: 'Months of sea service' },
  currentCertificate: { zh: '现持证书', en: 'Current certificate' },
  certificateNumber: { zh: '证书编号', en: 'Certificate number' },
  lastVessel: { zh: '最近服务船舶', en: 'Last vessel' },
};

export const EDUCATION_LEVELS = [
  'primary',
  'junior_secondary',
  'senior_secondary',
  'vocational',
  'associate',
  'bachelor',
  'master',
  'doctorate',
] as const;
export type Education = (typeof EDUCATION_LEVELS)[number];

/** The label shown for each value; the first label of each is what the template's drop-down offers. */
// The first label is the display name of contracts' ID_TYPE_NAMES / EDUCATION_NAMES (one table); the rest
// are what people also write.
export const ID_TYPE_LABELS: Record<IdType, readonly string[]> = {
  resident_id: [ID_TYPE_NAMES.resident_id.zh, '身份证'],
  passport: [ID_TYPE_NAMES.passport.zh],
  hk_macao_permit: [ID_TYPE_NAMES.hk_macao_permit.zh, '回乡证'],
  taiwan_permit: [ID_TYPE_NAMES.taiwan_permit.zh, '台胞证'],
  foreign_permanent_residence: [ID_TYPE_NAMES.foreign_permanent_residence.zh, '外国人永久居留证'],
};
export const EDUCATION_LABELS: Record<Education, readonly string[]> = {
  primary: [EDUCATION_NAMES.primary.zh],
  junior_secondary: [EDUCATION_NAMES.junior_secondary.zh],
  senior_secondary: [EDUCATION_NAMES.senior_secondary.zh],
  vocational: [EDUCATION_NAMES.vocational.zh, '中专', '职高', '中职', '技校'],
  associate: [EDUCATION_NAMES.associate.zh, '专科', '大学专科'],
  bachelor: [EDUCATION_NAMES.bachelor.zh, '大学本科'],
  master: [EDUCATION_NAMES.master.zh, '硕士研究生'],
  doctorate: [EDUCATION_NAMES.doctorate.zh, '博士研究生'],
};

/**
 * One row as it arrives (from a spreadsheet or a JSON body). A number means the cell was stored as a
 * number, which matters for ID numbers (see checkIdNumber). `sourceRow` is the spreadsheet row the user
 * sees; without it, rows are numbered as if the header were row 1 and no row were blank.
 */
export type RawValue = string | number | null | undefined;
export type RawRow = { [K in RosterField]?: RawValue } & { sourceRow?: number };

export interface ValidRow {
  row: number;
  name: string;
  idType: IdType;
  /** Normalised: ASCII, no spaces, upper-case X. */
  idNumber: string;
  /** The 11 digits, without +86. */
  phone: string;
  education: Education;
  serviceMonths?: number;
  currentCertificate?: string;
  certificateNumber?: string;
  lastVessel?: string;
  /** Read from a resident ID number. */
  birthDate?: string;
  sex?: 'M' | 'F';
}

/**
 * `row` 0 and `field` '' mark a problem with the file as a whole. `column` / `columnEn` name the column by
 * the template's header ('证件号码' / 'ID number'), as the person filling in the sheet sees it.
 */
export interface RowError extends Problem {
  row: number;
  field: RosterField | '';
  column: string;
  columnEn: string;
}

/**
 * JS-15: a problem with one cell, named by its column's header: the message starts with the header
 * ("证件号码：…" / "ID number: …") unless it already does, and `column` carries the header.
 */
export function cellError(row: number, field: RosterField, p: Problem): RowError {
  const label = FIELD_LABELS[field];
  const zh = p.zh.startsWith(label.zh) ? p.zh : `${label.zh}：${p.zh}`;
  const en = p.en.toLowerCase().startsWith(label.en.toLowerCase()) ? p.en : `${label.en}: ${p.en}`;
  return { row, field, column: label.zh, columnEn: label.en, code: p.code, zh, en };
}

/** A problem with the file as a whole (row 0, no column). */
export const fileError = (code: string, zh: string, en: string): RowError => ({
  row: 0,
  field: '',
  column: '',
  columnEn: '',
  code,
  zh,
  en,
});

export interface RosterCheckOptions {
  /** YYYY-MM-DD in China time; birth dates after it are refused. */
  today: string;
  /** Normalised ID numbers of trainees already in the class. */
  existingIdNumbers?: Set<string>;
  /** JS-6: the licensed size of the class; no check without it. */
  capacity?: number;
  alreadyEnrolled?: number;
}

export type RosterCheckResult = { ok: true; rows: ValidRow[] } | { ok: false; errors: RowError[] };

export const MAX_SERVICE_MONTHS = 720; // 60 years at sea
const MAX_LENGTH: Partial<Record<RosterField, number>> = {
  name: 50,
  currentCertificate: 100,
  certificateNumber: 50,
  lastVessel: 100,
};

// Labels compare without spaces, with full-width forms folded and English case ignored.
const labelKey = (value: string) => value.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/** Also the English and the bilingual names ("居民身份证 Resident ID card"), as the filing package writes them. */
function labelIndex<T extends string>(
  labels: Record<T, readonly string[]>,
  names: Record<T, LocalizedText>,
): Map<string, T> {
  const index = new Map<string, T>();
  for (const [value, written] of Object.entries(labels) as [T, readonly string[]][]) {
    const name = names[value];
    for (const label of [value, ...written, name.en, `${name.zh}${name.en}`])
      index.set(labelKey(label), value);
  }
  return index;
}
const ID_TYPE_INDEX = labelIndex(ID_TYPE_LABELS, ID_TYPE_NAMES);
const EDUCATION_INDEX = labelIndex(EDUCATION_LABELS, EDUCATION_NAMES);

export const parseIdType = (value: string): IdType | undefined => ID_TYPE_INDEX.get(labelKey(value));
export const parseEducation = (value: string): Education | undefined => EDUCATION_INDEX.get(labelKey(value));

const textOf = (value: RawValue): string =>
  value === null || value === undefined ? '' : typeof value === 'number' ? String(value) : value.trim();

// Code points, not UTF-16 units: rare characters in names (e.g. 𠮷) are two units but one character.
const lengthOf = (text: string) => [...text].length;

const listLabels = (labels: Record<string, readonly string[]>) =>
  Object.values(labels)
    .map((names) => names[0])
    .join('、');

const TEXT_COLUMN_HINT = {
  zh: '请把证件号码列设置为“文本”格式后重新填写',
  en: 'format the ID number column as Text and re-enter the numbers',
};

type IdCheck =
  { ok: true; normalized: string; birthDate?: string; sex?: 'M' | 'F' } | { ok: false; error: Problem };

/**
 * A spreadsheet that stored an ID number as a number has already lost it: doubles keep about 15
 * significant digits, an 18-digit number does not survive, and leading zeros vanish. Nothing can be
 * recovered here, so the user is told how to fix the file rather than shown a misleading check-digit error.
 */
function checkIdNumber(idType: IdType | undefined, value: RawValue, today: string): IdCheck | undefined {
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    return {
      ok: false,
      error: {
        code: 'ID_FORMAT',
        zh: `证件号码被表格存成了数字，超过 15 位的部分已经丢失；${TEXT_COLUMN_HINT.zh}`,
        en: `The spreadsheet stored the ID number as a number, which loses digits beyond the 15th; ${TEXT_COLUMN_HINT.en}`,
      },
    };
  const text = textOf(value);
  // Excel shows long numbers as 3.20102E+17 and writes that text into CSV files saved from it.
  if (/^\d(\.\d+)?E\+?\d+$/i.test(text))
    return {
      ok: false,
      error: {
        code: 'ID_FORMAT',
        zh: `证件号码显示为科学计数法（${text}），说明表格把它当成了数字；${TEXT_COLUMN_HINT.zh}`,
        en: `The ID number appears in scientific notation (${text}), so the spreadsheet treated it as a number; ${TEXT_COLUMN_HINT.en}`,
      },
    };
  if (!idType) return undefined; // the type is reported; without it the number cannot be judged
  const result = validateIdNumber(idType, text, today);
  if (result.ok) return result;
  if (typeof value === 'number')
    return {
      ok: false,
      error: {
        ...result.problem,
        zh: `${result.problem.zh}（该单元格存成了数字，开头的 0 会丢失；${TEXT_COLUMN_HINT.zh}）`,
        en: `${result.problem.en} (the cell holds a number, which drops leading zeros; ${TEXT_COLUMN_HINT.en})`,
      },
    };
  return { ok: false, error: result.problem };
}

/** Every error of one row; the row is valid when the list is empty. */
function checkRow(raw: RawRow, row: number, today: string): { errors: RowError[]; valid?: ValidRow } {
  const errors: RowError[] = [];
  const fail = (field: RosterField, p: Problem) => errors.push(cellError(row, field, p));

  const text = {} as Record<RosterField, string>;
  for (const field of ROSTER_FIELDS) text[field] = textOf(raw[field]);
  for (const field of REQUIRED_FIELDS)
    if (text[field] === '')
      fail(field, {
        code: 'REQUIRED',
        zh: `${FIELD_LABELS[field].zh}不能为空`,
        en: `${FIELD_LABELS[field].en} is required`,
      });
  for (const [field, max] of Object.entries(MAX_LENGTH) as [RosterField, number][])
    if (lengthOf(text[field]) > max)
      fail(field, {
        code: 'TOO_LONG',
        zh: `${FIELD_LABELS[field].zh}不能超过 ${max} 个字符`,
        en: `${FIELD_LABELS[field].en} must be at most ${max} characters`,
      });

  const idType = text.idType === '' ? undefined : parseIdType(text.idType);
  if (text.idType !== '' && !idType)
    fail('idType', {
      code: 'ID_TYPE_UNKNOWN',
      zh: `无法识别的证件类型“${text.idType}”，可填：${listLabels(ID_TYPE_LABELS)}`,
      en: `Unknown ID type "${text.idType}"; use one of: ${listLabels(ID_TYPE_LABELS)}`,
    });

  const id = text.idNumber === '' ? undefined : checkIdNumber(idType, raw.idNumber, today);
  if (id && !id.ok) fail('idNumber', id.error);

  const phone = text.phone === '' ? undefined : validateMobilePhone(text.phone);
  if (phone && !phone.ok) fail('phone', phone.problem);

  const education = text.education === '' ? undefined : parseEducation(text.education);
  if (text.education !== '' && !education)
    fail('education', {
      code: 'EDUCATION_UNKNOWN',
      zh: `无法识别的学历“${text.education}”，可填：${listLabels(EDUCATION_LABELS)}`,
      en: `Unknown education level "${text.education}"; use one of: ${listLabels(EDUCATION_LABELS)}`,
    });

  let serviceMonths: number | undefined;
  if (text.serviceMonths !== '') {
    const digits = text.serviceMonths.normalize('NFKC');
    const months = /^\d+$/.test(digits) ? Number(digits) : NaN;
    if (Number.isInteger(months) && months <= MAX_SERVICE_MONTHS) serviceMonths = months;
    else
      fail('serviceMonths', {
        code: 'SERVICE_MONTHS_INVALID',
        zh: `海上服务月数应为 0–${MAX_SERVICE_MONTHS} 的整数`,
        en: `Months of sea service must be a whole number from 0 to ${MAX_SERVICE_MONTHS}`,
      });
  }

  if (errors.length > 0 || !idType || !id?.ok || !phone?.ok || !education) return { errors };
  const optional = (field: RosterField) => (text[field] === '' ? undefined : text[field]);
  const valid: ValidRow = {
    row,
    name: text.name,
    idType,
    idNumber: id.normalized,
    phone: phone.normalized,
    education,
  };
  if (serviceMonths !== undefined) valid.serviceMonths = serviceMonths;
  for (const field of ['currentCertificate', 'certificateNumber', 'lastVessel'] as const) {
    const value = optional(field);
    if (value !== undefined) valid[field] = value;
  }
  if (id.birthDate) valid.birthDate = id.birthDate;
  if (id.sex) valid.sex = id.sex;
  return { errors, valid };
}

/** Groups row numbers by a key, skipping rows without one. */
function groupRows(keys: (string | undefined)[], rowNumbers: number[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  keys.forEach((key, i) => {
    if (key === undefined) return;
    const rows = groups.get(key) ?? [];
    rows.push(rowNumbers[i] ?? 0);
    groups.set(key, rows);
  });
  return groups;
}

/** The first row of a duplicate group lists the later ones; each later row names the first. */
function duplicateErrors(groups: Map<string, number[]>, field: RosterField, code: string): RowError[] {
  const label = FIELD_LABELS[field];
  const errors: RowError[] = [];
  for (const rows of groups.values()) {
    const [first, ...later] = rows;
    if (first === undefined || later.length === 0) continue;
    errors.push(
      cellError(first, field, {
        code,
        zh: `${label.zh}在文件中重复出现（另见第 ${later.join('、')} 行）`,
        en: `${label.en} appears more than once in the file (also row ${later.join(', ')})`,
      }),
    );
    for (const row of later)
      errors.push(
        cellError(row, field, {
          code,
          zh: `${label.zh}与第 ${first} 行重复`,
          en: `${label.en} is the same as in row ${first}`,
        }),
      );
  }
  return errors;
}

/**
 * JS-15 / JS-6: checks a whole roster before anything is saved. All or nothing: one bad row refuses the
 * file, and every error is reported at once so the user fixes the spreadsheet in one pass.
 */
export function validateRosterRows(rows: RawRow[], opts: RosterCheckOptions): RosterCheckResult {
  const errors: RowError[] = [];
  const fileProblem = (code: string, zh: string, en: string) => errors.push(fileError(code, zh, en));

  if (rows.length === 0) fileProblem('ROSTER_EMPTY', '名单中没有学员', 'The roster has no trainees');

  if (opts.capacity !== undefined) {
    const already = opts.alreadyEnrolled ?? 0;
    const total = already + rows.length;
    if (total > opts.capacity)
      fileProblem(
        'CAPACITY_EXCEEDED',
        `本班核定规模为 ${opts.capacity} 人，已有 ${already} 人，本次导入 ${rows.length} 人，合计 ${total} 人，超出 ${total - opts.capacity} 人`,
        `The class is licensed for ${opts.capacity} trainees; ${already} are enrolled and this file adds ${rows.length} (${total} in all), ${total - opts.capacity} too many`,
      );
  }

  const rowNumbers = rows.map((raw, i) => raw.sourceRow ?? i + 2);
  const checked = rows.map((raw, i) => checkRow(raw, rowNumbers[i] ?? 0, opts.today));
  for (const c of checked) errors.push(...c.errors);

  // Duplicates are looked for even among rows with other errors: fixing one typo should not reveal a new
  // error on the next upload. Lossy numeric ID cells are left out, as two different IDs can round alike.
  const idKeys = rows.map((raw) =>
    typeof raw.idNumber === 'number' && !Number.isSafeInteger(raw.idNumber)
      ? undefined
      : normalizeIdNumber(textOf(raw.idNumber)) || undefined,
  );
  errors.push(...duplicateErrors(groupRows(idKeys, rowNumbers), 'idNumber', 'ID_DUPLICATE_IN_FILE'));

  if (opts.existingIdNumbers && opts.existingIdNumbers.size > 0) {
    const existing = new Set([...opts.existingIdNumbers].map(normalizeIdNumber));
    idKeys.forEach((key, i) => {
      if (key !== undefined && existing.has(key))
        errors.push(
          cellError(rowNumbers[i] ?? 0, 'idNumber', {
            code: 'ID_ALREADY_ENROLLED',
            zh: '该证件号码的学员已在本班名单中',
            en: 'A trainee with this ID number is already enrolled in this class',
          }),
        );
    });
  }

  const phoneKeys = rows.map((raw) => {
    const phone = validateMobilePhone(textOf(raw.phone));
    return phone.ok ? phone.normalized : undefined;
  });
  errors.push(...duplicateErrors(groupRows(phoneKeys, rowNumbers), 'phone', 'PHONE_DUPLICATE_IN_FILE'));

  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.row - b.row) };
  return { ok: true, rows: checked.map((c) => c.valid).filter((v): v is ValidRow => v !== undefined) };
}
