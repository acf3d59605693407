import type { LocalizedText, ScoringIndicatorView } from '@seafarer/contracts';

/**
 * QM-4: the indicators of the authority's scoring standard (seed 004, 航海教育培训质量评估标准（试行）,
 * item 3 海事管理机构监管情况) that the platform's records answer, per institution, over the last 3 years
 * (近3年: from the same China date 3 years ago to today, both included). Pure: the caller reads the
 * records, these functions count and score them.
 */

export interface ScoredFinding {
  occurredOn: string;
}
export interface ScoredComplaint {
  occurredOn: string;
  /** The item's status: 'accepted' once the officer accepted its correction. */
  status: string;
  classId: string | null;
}
export interface ScoredViolation {
  occurredOn: string;
  classId: string | null;
}
export interface ScoringFacts {
  /** Today, China date. */
  today: string;
  findings: ScoredFinding[];
  complaints: ScoredComplaint[];
  violations: ScoredViolation[];
  /** China dates of suspend / revoke measures (the finding stopped training: 影响培训活动继续开展). */
  stoppages: string[];
}

/** 近3年: the same calendar date three years back (29 Feb → 28 Feb), to today. */
export function threeYearWindow(today: string): { from: string; to: string } {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const back = new Date(Date.UTC(y - 3, m - 1, d));
  // 29 February of a leap year lands on 1 March three years back: take the last day of February.
  if (back.getUTCMonth() !== m - 1) back.setUTCDate(0);
  return { from: back.toISOString().slice(0, 10), to: today };
}
const within = (w: { from: string; to: string }, day: string) => day >= w.from && day <= w.to;

/**
 * Seed 004 3.1 培训监督检查结果（4分）, verbatim: 近3年内：1.未发现缺陷，计4分；2.缺陷数量不超过4项（含4项），
 * 可采取措施及时消除，且不影响培训活动继续开展的缺陷，计2分；3.缺陷数量超过4项，可采取措施及时消除，且不影响
 * 培训活动继续开展，计1分；4.发现培训机构造假情形或缺陷影响培训活动继续开展，计0分。
 * The platform counts the officers' recorded findings; a suspension or revocation of the institution's
 * online-training qualification in the window is "缺陷影响培训活动继续开展" (case 4). Fraud (造假) is not
 * in the platform's data; an officer who finds it revokes, which is case 4 too.
 */
export const RULE_3_1: LocalizedText = {
  zh: '近3年内：未发现缺陷计4分；缺陷不超过4项（含4项）且可及时消除、不影响培训继续开展计2分；缺陷超过4项但可及时消除、不影响培训继续开展计1分；发现造假或缺陷影响培训活动继续开展（平台以暂停或取消线上培训资格为准）计0分。',
  en: 'Last 3 years: no defect found, 4 points; at most 4 defects (4 included), remediable in time and not stopping training, 2; more than 4 such defects, 1; fraud found or a defect that stopped training (here: a suspension or revocation of the online-training qualification), 0.',
};
export function score31(f: ScoringFacts): ScoringIndicatorView {
  const w = threeYearWindow(f.today);
  const count = f.findings.filter((x) => within(w, x.occurredOn)).length;
  const stopped = f.stoppages.some((d) => within(w, d));
  const [points, because]: [number, LocalizedText] = stopped
    ? [
        0,
        {
          zh: '近3年内线上培训资格曾被暂停或取消（缺陷影响培训活动继续开展）',
          en: 'The qualification was suspended or revoked in the last 3 years (a defect stopped training)',
        },
      ]
    : count === 0
      ? [4, { zh: '近3年内未发现缺陷', en: 'No defect found in the last 3 years' }]
      : count <= 4
        ? [2, { zh: `近3年内缺陷 ${count} 项（不超过4项）`, en: `${count} defects (at most 4)` }]
        : [1, { zh: `近3年内缺陷 ${count} 项（超过4项）`, en: `${count} defects (more than 4)` }];
  return {
    id: '3.1',
    name: { zh: '培训监督检查结果', en: 'Results of supervisory inspections' },
    count,
    windowFrom: w.from,
    windowTo: w.to,
    points,
    maxPoints: 4,
    rule: RULE_3_1,
    because,
  };
}

/**
 * Seed 004 3.2 培训质量投诉或违规情况（4分）, verbatim: 近3年经核实的培训质量投诉或举报违规情况。存在1起投诉或
 * 举报，情况属实但已经按规定纠正的扣1分、未按质量体系规定纠正的扣2分；同一事项发生2次及以上培训质量投诉或举报且
 * 属实的，扣4分。
 * The officers record verified complaints only. Corrected = its correction accepted by the officer;
 * otherwise not (yet) corrected. The same matter = complaints about the same class; a complaint that
 * names no class is a matter of its own. Points never go below 0.
 */
export const RULE_3_2: LocalizedText = {
  zh: '近3年经核实的培训质量投诉或举报：每起已按规定纠正（整改通过）的扣1分，未纠正的扣2分；同一事项（同一班级）2次及以上属实投诉或举报的扣4分；满分4分，扣完为止。',
  en: 'Verified training-quality complaints in the last 3 years: each one corrected (correction accepted) −1, not corrected −2; 2 or more about the same matter (the same class) −4; from 4 points, not below 0.',
};
export function score32(f: ScoringFacts): ScoringIndicatorView {
  const w = threeYearWindow(f.today);
  const inWindow = f.complaints.filter((x) => within(w, x.occurredOn));
  const perClass = new Map<string, number>();
  for (const c of inWindow) if (c.classId) perClass.set(c.classId, (perClass.get(c.classId) ?? 0) + 1);
  const repeated = [...perClass.values()].some((n) => n >= 2);
  const corrected = inWindow.filter((c) => c.status === 'accepted').length;
  const uncorrected = inWindow.length - corrected;
  const deduction = repeated ? 4 : corrected + 2 * uncorrected;
  const because: LocalizedText = repeated
    ? { zh: '同一事项（同一班级）2次及以上属实投诉，扣4分', en: 'Two or more about the same class: −4' }
    : inWindow.length === 0
      ? { zh: '近3年无经核实的投诉或举报', en: 'No verified complaint in the last 3 years' }
      : {
          zh: `已纠正 ${corrected} 起（各扣1分），未纠正 ${uncorrected} 起（各扣2分）`,
          en: `${corrected} corrected (−1 each), ${uncorrected} not corrected (−2 each)`,
        };
  return {
    id: '3.2',
    name: { zh: '培训质量投诉或违规情况', en: 'Training-quality complaints' },
    count: inWindow.length,
    windowFrom: w.from,
    windowTo: w.to,
    points: Math.max(0, 4 - deduction),
    maxPoints: 4,
    rule: RULE_3_2,
    because,
  };
}

/**
 * Seed 004 3.3 近3年参加适任考试纪律情况（4分）, verbatim: 近3年参加适任考试每发生1人次考生违纪扣1分，直至4分；
 * 一场考试发生3人次及以上违纪的扣4分。
 * Each recorded violation is one person-time (1人次); violations of the same class on the same day are
 * one exam (一场考试).
 */
export const RULE_3_3: LocalizedText = {
  zh: '近3年适任考试每发生1人次考生违纪扣1分，扣完4分为止；一场考试（同一班级同一天）发生3人次及以上违纪的扣4分。',
  en: 'Last 3 years: each person-time of exam-discipline violation −1, down to 0; 3 or more in one exam (the same class on the same day) −4.',
};
export function score33(f: ScoringFacts): ScoringIndicatorView {
  const w = threeYearWindow(f.today);
  const inWindow = f.violations.filter((x) => within(w, x.occurredOn));
  const perExam = new Map<string, number>();
  for (const v of inWindow)
    if (v.classId) {
      const k = `${v.classId}@${v.occurredOn}`;
      perExam.set(k, (perExam.get(k) ?? 0) + 1);
    }
  const oneExamOfThree = [...perExam.values()].some((n) => n >= 3);
  const deduction = oneExamOfThree ? 4 : Math.min(4, inWindow.length);
  const because: LocalizedText = oneExamOfThree
    ? { zh: '一场考试发生3人次及以上违纪，扣4分', en: 'Three or more in one exam: −4' }
    : inWindow.length === 0
      ? { zh: '近3年无考试违纪', en: 'No exam-discipline violation in the last 3 years' }
      : {
          zh: `违纪 ${inWindow.length} 人次，扣 ${deduction} 分`,
          en: `${inWindow.length} person-times: −${deduction}`,
        };
  return {
    id: '3.3',
    name: { zh: '近3年参加适任考试纪律情况', en: 'Exam discipline in the last 3 years' },
    count: inWindow.length,
    windowFrom: w.from,
    windowTo: w.to,
    points: 4 - deduction,
    maxPoints: 4,
    rule: RULE_3_3,
    because,
  };
}

/** The three indicators of seed 004 item 3 and their sum (of its 12 points). */
export function scoreOversight(f: ScoringFacts) {
  const indicators = [score31(f), score32(f), score33(f)];
  return {
    indicators,
    points: indicators.reduce((s, i) => s + i.points, 0),
    maxPoints: indicators.reduce((s, i) => s + i.maxPoints, 0),
  };
}
