// Formatting: China-time dates, hours, and coded values named through the contracts' label tables.
import {
  CLASS_FILING_STATE_LABELS,
  EDUCATION_NAMES,
  ID_TYPE_NAMES,
  PLAN_STATUS_LABELS,
  ROLE_LABELS,
  VERIFICATION_STATUS_LABELS,
  type LocalizedText,
} from '@seafarer/contracts';
import { h } from './dom';

export type LabelTable = Readonly<Record<string, LocalizedText>>;

/** 'zh en' of a coded value in a label table, or the code itself when the table does not know it. */
export function label(table: LabelTable, code: string | null | undefined): string {
  if (code === null || code === undefined) return '—';
  const l = Object.prototype.hasOwnProperty.call(table, code) ? table[code] : undefined;
  return l ? `${l.zh} ${l.en}` : code;
}
/** The zh name only (dense tables). */
export function labelZh(table: LabelTable, code: string | null | undefined): string {
  if (code === null || code === undefined) return '';
  const l = Object.prototype.hasOwnProperty.call(table, code) ? table[code] : undefined;
  return l ? l.zh : code;
}

export const FILING_STATES: LabelTable = CLASS_FILING_STATE_LABELS;
export const VERSION_STATUSES: LabelTable = PLAN_STATUS_LABELS;
export const IDENTITY_STATUSES: LabelTable = VERIFICATION_STATUS_LABELS;
export const ROLES: LabelTable = ROLE_LABELS;
export const ID_TYPES: LabelTable = ID_TYPE_NAMES;
export const EDUCATION: LabelTable = EDUCATION_NAMES;

/** A coloured state label: badge('pending_review', FILING_STATES). */
export function badge(state: string | null | undefined, table: LabelTable = FILING_STATES): HTMLSpanElement {
  return h('span', { class: `badge st-${state ?? 'none'}` }, label(table, state));
}

const dtFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
/** An ISO instant in China time, 'YYYY/MM/DD HH:MM'. */
export const fmtDateTime = (iso: string | null | undefined): string =>
  iso ? dtFmt.format(new Date(iso)) : '—';

/** The China-time date 'YYYY-MM-DD' of an ISO instant. */
export const chinaDateOf = (iso: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(iso));

/** Today's date in China time, 'YYYY-MM-DD'. */
export const chinaToday = (): string => chinaDateOf(new Date().toISOString());

/** Calendar arithmetic on 'YYYY-MM-DD' (display only: the rules' own dates come from the API or core). */
export function addDays(date: string, n: number): string {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
export function daysBetween(a: string, b: string): number {
  const t = (s: string) => {
    const [y = 0, m = 1, d = 1] = s.split('-').map(Number);
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((t(b) - t(a)) / 86_400_000);
}

export const fmtHours = (hours: number): string => (Math.round(hours * 100) / 100).toString();
/** Minutes as 学时 of 60 minutes. */
export const fmtMinutesAsHours = (minutes: number): string => fmtHours(minutes / 60);

/** A countdown, zh and en: "1 天 3 小时 5 分钟" / "1 d 3 h 5 min". */
export function fmtCountdown(ms: number): { zh: string; en: string } {
  const total = Math.max(0, Math.ceil(ms / 60_000));
  const d = Math.floor(total / 1440);
  const hh = Math.floor((total % 1440) / 60);
  const mm = total % 60;
  return {
    zh: `${d ? `${d} 天 ` : ''}${d || hh ? `${hh} 小时 ` : ''}${mm} 分钟`,
    en: `${d ? `${d} d ` : ''}${d || hh ? `${hh} h ` : ''}${mm} min`,
  };
}
