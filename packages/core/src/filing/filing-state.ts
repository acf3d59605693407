import { PLAN_STATUS_LABELS, type LocalizedText } from '@seafarer/contracts';
import type { Problem } from './problem';

/**
 * The filing status of one version of a class plan. A class's status is that of its newest version;
 * older versions are 'superseded' and stay on record for the officer (QM-2).
 */
export const FILING_STATES = ['draft', 'filed', 'confirmed', 'rejected', 'superseded'] as const;
export type FilingState = (typeof FILING_STATES)[number];

export const FILING_EVENTS = ['file', 'confirm', 'reject', 'amend'] as const;
export type FilingEvent = (typeof FILING_EVENTS)[number];

/** The labels of the one table in contracts (the pages and the filing package name states the same way). */
export const FILING_STATE_LABELS: Readonly<Record<FilingState, LocalizedText>> = PLAN_STATUS_LABELS;

export const FILING_EVENT_LABELS: Readonly<Record<FilingEvent, LocalizedText>> = {
  file: { zh: '报备', en: 'file' },
  confirm: { zh: '确认', en: 'confirm' },
  reject: { zh: '退回', en: 'reject' },
  amend: { zh: '变更', en: 'amend' },
};

export interface FilingTransition {
  from: FilingState;
  event: FilingEvent;
  /** The state of this version afterwards. */
  to: FilingState;
  /** 'draft' when the event opens a new version of the plan, which must be filed again; else null. */
  newVersion: 'draft' | null;
  why: LocalizedText;
}

/**
 * Every legal transition; anything not listed is refused with CONFLICT. Kept as data so the rules can be
 * printed for the authority and checked by tests. Notably: a draft is edited in place (it has not been
 * filed, so there is nothing to version), and nothing leaves 'superseded'.
 */
export const FILING_TRANSITIONS: readonly FilingTransition[] = Object.freeze([
  {
    from: 'draft',
    event: 'file',
    to: 'filed',
    newVersion: null,
    why: { zh: '机构向海事管理机构报备开班计划（JS-11.1）', en: 'The institution files the plan (JS-11.1)' },
  },
  {
    from: 'filed',
    event: 'confirm',
    to: 'confirmed',
    newVersion: null,
    why: { zh: '海事管理机构审核确认', en: 'The officer confirms the filing' },
  },
  {
    from: 'filed',
    event: 'reject',
    to: 'rejected',
    newVersion: null,
    why: { zh: '海事管理机构退回报备', en: 'The officer rejects the filing' },
  },
  {
    from: 'filed',
    event: 'amend',
    to: 'superseded',
    newVersion: 'draft',
    why: {
      zh: '报备后变更计划：生成新版本，须重新报备（QM-2）',
      en: 'A change after filing creates a new version that must be filed again (QM-2)',
    },
  },
  {
    from: 'confirmed',
    event: 'amend',
    to: 'superseded',
    newVersion: 'draft',
    why: {
      zh: '确认后变更计划：生成新版本，恢复为未确认，须重新报备（JS-11.3、QM-2）',
      en: 'A change after confirmation creates a new, unconfirmed version that must be filed again (JS-11.3, QM-2)',
    },
  },
  {
    from: 'rejected',
    event: 'amend',
    to: 'superseded',
    newVersion: 'draft',
    why: {
      zh: '按退回意见修改计划：生成新版本后重新报备（QM-2）',
      en: 'Fixing a rejected plan creates a new version to file again (QM-2)',
    },
  },
] satisfies FilingTransition[]);

export type FilingTransitionResult =
  { ok: true; state: FilingState; newVersion: 'draft' | null } | { ok: false; problem: Problem<'CONFLICT'> };

/**
 * Applies an event to one plan version's state. For 'amend' the returned `state` is the old version's
 * ('superseded') and `newVersion` is the state the new version starts in ('draft').
 */
export function transition(state: FilingState, event: FilingEvent): FilingTransitionResult {
  const row = FILING_TRANSITIONS.find((t) => t.from === state && t.event === event);
  if (row) return { ok: true, state: row.to, newVersion: row.newVersion };
  return { ok: false, problem: illegal(state, event) };
}

/**
 * A live room opens only for a class whose newest plan version the authority has confirmed; after an
 * amendment the class is back to unconfirmed until the new version is (JS-11.3).
 */
export const canOpenLiveRoom = (state: FilingState): boolean => state === 'confirmed';

function illegal(state: FilingState, event: FilingEvent): Problem<'CONFLICT'> {
  const s = FILING_STATE_LABELS[state] as LocalizedText | undefined;
  const e = FILING_EVENT_LABELS[event] as LocalizedText | undefined;
  // State and event may come from storage or a request: name them even when they are not known ones.
  const zhState = s?.zh ?? String(state);
  const enState = s?.en ?? String(state);
  const zhEvent = e?.zh ?? String(event);
  const enEvent = e?.en ?? String(event);
  if (state === 'superseded') {
    return {
      code: 'CONFLICT',
      zh: `该版本已被新版本取代，不能再${zhEvent}；请对最新版本操作`,
      en: `This version has been superseded and can no longer be ${enPast(event, enEvent)}; act on the newest version`,
    };
  }
  if (state === 'draft' && event === 'amend') {
    return {
      code: 'CONFLICT',
      zh: '草稿尚未报备，可直接修改，无需生成新版本',
      en: 'A draft has not been filed yet; edit it directly instead of creating a new version',
    };
  }
  return {
    code: 'CONFLICT',
    zh: `状态为“${zhState}”的计划不能${zhEvent}`,
    en: `A plan that is ${enState} cannot be ${enPast(event, enEvent)}`,
  };
}

const EN_PAST: Readonly<Record<FilingEvent, string>> = {
  file: 'filed',
  confirm: 'confirmed',
  reject: 'rejected',
  amend: 'amended',
};
const enPast = (event: FilingEvent, fallback: string) => (EN_PAST[event] as string | undefined) ?? fallback;
