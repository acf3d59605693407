export type { Problem as RosterProblem } from './problem';
export {
  ID_TYPES,
  computeCheckDigit,
  normalizeIdNumber,
  validateIdNumber,
  validateResidentIdNumber,
  type IdNumberResult,
  type IdProblem,
  type IdProblemCode,
  type IdType,
  type ResidentIdResult,
} from './id-number';
export { validateMobilePhone, type PhoneResult } from './phone';
export {
  EDUCATION_LABELS,
  EDUCATION_LEVELS,
  FIELD_LABELS,
  ID_TYPE_LABELS,
  MAX_SERVICE_MONTHS,
  REQUIRED_FIELDS,
  ROSTER_FIELDS,
  parseEducation,
  parseIdType,
  validateRosterRows,
  type Education,
  type RawRow,
  type RawValue,
  type RosterCheckOptions,
  type RosterCheckResult,
  type RosterField,
  type RowError,
  type ValidRow,
} from './roster-row';
export {
  MAX_FILE_BYTES,
  MAX_ROSTER_ROWS,
  buildRosterTemplate,
  parseRosterFile,
  validateRosterFile,
  type RosterFileResult,
  type SpreadsheetProblem,
  type SpreadsheetReason,
} from './roster-file';
