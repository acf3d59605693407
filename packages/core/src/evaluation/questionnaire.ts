import type {
  EvaluationQuestion,
  EvaluationQuestionResult,
  EvaluationScalePoint,
  LocalizedText,
  ObjectiveKey,
  ObjectiveStatus,
  ObjectiveView,
} from '@seafarer/contracts';
import { AppError } from '../shared/errors';

/**
 * JS-7.1 / JS-14 / QM-3: the one questionnaire of the course evaluation and the one definition of the
 * figures computed from it. Pages show what the API sends from here; nothing else defines a question.
 */

/** The 1–5 scale, 5 the best. */
export const SCALE: readonly EvaluationScalePoint[] = [
  { value: 1, zh: '很不满意', en: 'Very dissatisfied' },
  { value: 2, zh: '不满意', en: 'Dissatisfied' },
  { value: 3, zh: '一般', en: 'Neutral' },
  { value: 4, zh: '满意', en: 'Satisfied' },
  { value: 5, zh: '很满意', en: 'Very satisfied' },
];

/** A trainee's questions on the course as a whole. */
export const TRAINEE_QUESTIONS: readonly EvaluationQuestion[] = [
  {
    key: 'content',
    zh: '课程内容（实用、符合培训大纲）',
    en: 'Course content (useful, follows the syllabus)',
  },
  { key: 'teaching', zh: '教学组织与讲授', en: 'Teaching and organisation' },
  { key: 'platform', zh: '线上平台与上课体验', en: 'Online platform and class experience' },
  { key: 'overall', zh: '总体满意度', en: 'Overall satisfaction' },
];

/** A trainee's question on each instructor of the class. */
export const INSTRUCTOR_QUESTIONS: readonly EvaluationQuestion[] = [
  { key: 'teaching', zh: '该教员的授课质量', en: "This instructor's teaching quality" },
];

/** The sending company's (送培单位) questions. */
export const SPONSOR_QUESTIONS: readonly EvaluationQuestion[] = [
  { key: 'relevance', zh: '培训内容符合本单位需要', en: 'The training meets our company’s needs' },
  { key: 'organisation', zh: '培训组织与沟通', en: 'Organisation and communication' },
  { key: 'outcome', zh: '学员能力提升', en: 'Improvement of our seafarers’ competence' },
  { key: 'overall', zh: '总体满意度', en: 'Overall satisfaction' },
];

export const COMMENT_MAX_LENGTH = 1000;

/** A rating counts as satisfied from this value up (4 满意, 5 很满意). */
export const SATISFIED_FROM = 4;
/** Results per instructor are given only from this many responses (small-n protection). */
export const INSTRUCTOR_MIN_RESPONSES = 3;

export const SATISFACTION_DEFINITION: LocalizedText = {
  zh: `满意率 = “总体满意度”评为 ${SATISFIED_FROM} 分（满意）或 5 分（很满意）的份数 ÷ 全部答卷份数`,
  en: `Satisfaction % = answers rating "overall satisfaction" ${SATISFIED_FROM} (satisfied) or 5 (very satisfied) ÷ all answers`,
};
export const SMALL_N_NOTICE: LocalizedText = {
  zh: `为保护匿名，每位教员的评价结果在收到至少 ${INSTRUCTOR_MIN_RESPONSES} 份评价后才显示`,
  en: `To keep answers anonymous, results per instructor are shown only once at least ${INSTRUCTOR_MIN_RESPONSES} responses are in`,
};
export const ANONYMITY_NOTICE: LocalizedText = {
  zh: '评价匿名：答卷不记录答卷人，教员看不到谁作了评价；每人只能提交一次，提交后不能修改',
  en: 'Anonymous: answers do not record who gave them and instructors cannot see who answered; one answer each, final once sent',
};

export const questionsOf = (kind: 'trainee' | 'sponsor') =>
  kind === 'trainee' ? TRAINEE_QUESTIONS : SPONSOR_QUESTIONS;

/**
 * Checks one set of ratings against its questions: every question answered once with an integer 1–5,
 * nothing else. Throws VALIDATION naming what is wrong.
 */
export function checkRatings(
  ratings: Record<string, unknown>,
  questions: readonly EvaluationQuestion[],
  where: LocalizedText,
): Record<string, number> {
  const keys = questions.map((q) => q.key);
  const unknown = Object.keys(ratings).filter((k) => !keys.includes(k));
  const missing = keys.filter((k) => !(k in ratings));
  const bad = keys.filter((k) => {
    const v = ratings[k];
    return k in ratings && !(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5);
  });
  const zh = (ks: string[]) => ks.map((k) => questions.find((q) => q.key === k)?.zh ?? k).join('、');
  const en = (ks: string[]) => ks.map((k) => questions.find((q) => q.key === k)?.en ?? k).join(', ');
  if (unknown.length || missing.length || bad.length)
    throw new AppError('VALIDATION', {
      message: {
        zh: `${where.zh}：每题须评 1–5 分各一次${missing.length ? `，未答：${zh(missing)}` : ''}${unknown.length ? `，无此题：${unknown.join('、')}` : ''}`,
        en: `${where.en}: every question needs one rating 1–5${missing.length ? `; not answered: ${en(missing)}` : ''}${unknown.length ? `; no such question: ${unknown.join(', ')}` : ''}`,
      },
      details: { missing, unknown, invalid: bad },
    });
  return Object.fromEntries(keys.map((k) => [k, ratings[k] as number]));
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
export const pct = (num: number, den: number): number | null =>
  den > 0 ? round((num / den) * 100, 1) : null;

/** Per question: the mean (2 decimals) and how many rated it. */
export function questionMeans(
  rows: ReadonlyArray<Record<string, number>>,
  questions: readonly EvaluationQuestion[],
): EvaluationQuestionResult[] {
  return questions.map((q) => {
    const values = rows.map((r) => r[q.key]).filter((v): v is number => typeof v === 'number');
    const mean = values.length ? round(values.reduce((a, b) => a + b, 0) / values.length, 2) : null;
    return { ...q, mean, count: values.length };
  });
}

/** How many of `rows` rate `key` satisfied (≥ SATISFIED_FROM). */
export const satisfiedCount = (rows: ReadonlyArray<Record<string, number>>, key = 'overall') =>
  rows.filter((r) => (r[key] ?? 0) >= SATISFIED_FROM).length;

// ---------- QM-3: the quality objectives (seed 000) ----------

export const OBJECTIVES: ReadonlyArray<{ key: ObjectiveKey; targetPct: number; label: LocalizedText }> = [
  {
    key: 'trainee_satisfaction',
    targetPct: 85,
    label: { zh: '学员对教学服务满意率', en: 'Trainee satisfaction' },
  },
  { key: 'exam_pass_rate', targetPct: 80, label: { zh: '培训后考试通过率', en: 'Exam pass rate' } },
  {
    key: 'sponsor_satisfaction',
    targetPct: 90,
    label: { zh: '送培单位满意率', en: 'Sponsor satisfaction' },
  },
];

export const OBJECTIVE_STATUS_LABELS: Readonly<Record<ObjectiveStatus, LocalizedText>> = {
  met: { zh: '达标', en: 'Met' },
  not_met: { zh: '未达标', en: 'Not met' },
  no_data: { zh: '暂无数据', en: 'No data' },
};

export const QUALITY_DEFINITIONS: readonly LocalizedText[] = [
  {
    zh: '质量目标（质量手册）：学员满意率不低于 85%，考试通过率不低于 80%，送培单位满意率不低于 90%',
    en: 'Quality objectives (quality manual): trainee satisfaction ≥ 85 %, exam pass rate ≥ 80 %, sponsor satisfaction ≥ 90 %',
  },
  SATISFACTION_DEFINITION,
  {
    zh: '考试通过率 = 已发布成绩的考试中首次考试（不含补考）判定“通过”的人数 ÷ 已判定通过或不通过的首次考试人数；未参考者不计',
    en: 'Exam pass rate = first attempts (retakes not counted) marked "pass" ÷ first attempts marked pass or fail, in exams whose results are released; those who did not sit are not counted',
  },
  {
    zh: '统计期间按班级最后一个课次的日期（北京时间）归属；差距 = 实际值 − 目标值（百分点）',
    en: 'A class belongs to the period by the China date of its last session; gap = actual − target (percentage points)',
  },
];

/** One objective from its counts: actual %, the gap in points, met or not (no data without a denominator). */
export function objective(key: ObjectiveKey, numerator: number, denominator: number): ObjectiveView {
  const def = OBJECTIVES.find((o) => o.key === key)!;
  const actualPct = pct(numerator, denominator);
  const status: ObjectiveStatus =
    actualPct === null ? 'no_data' : actualPct >= def.targetPct ? 'met' : 'not_met';
  return {
    key,
    label: def.label,
    targetPct: def.targetPct,
    actualPct,
    numerator,
    denominator,
    gapPts: actualPct === null ? null : round(actualPct - def.targetPct, 1),
    met: actualPct === null ? null : status === 'met',
    status,
    statusLabel: OBJECTIVE_STATUS_LABELS[status],
  };
}

export interface ObjectiveCounts {
  traineeSatisfied: number;
  traineeAnswers: number;
  passed: number;
  marked: number;
  sponsorSatisfied: number;
  sponsorAnswers: number;
}
export const emptyCounts = (): ObjectiveCounts => ({
  traineeSatisfied: 0,
  traineeAnswers: 0,
  passed: 0,
  marked: 0,
  sponsorSatisfied: 0,
  sponsorAnswers: 0,
});
export function addCounts(a: ObjectiveCounts, b: ObjectiveCounts): ObjectiveCounts {
  return {
    traineeSatisfied: a.traineeSatisfied + b.traineeSatisfied,
    traineeAnswers: a.traineeAnswers + b.traineeAnswers,
    passed: a.passed + b.passed,
    marked: a.marked + b.marked,
    sponsorSatisfied: a.sponsorSatisfied + b.sponsorSatisfied,
    sponsorAnswers: a.sponsorAnswers + b.sponsorAnswers,
  };
}
/** The three objectives of one set of counts, in the manual's order. */
export const objectivesOf = (c: ObjectiveCounts): ObjectiveView[] => [
  objective('trainee_satisfaction', c.traineeSatisfied, c.traineeAnswers),
  objective('exam_pass_rate', c.passed, c.marked),
  objective('sponsor_satisfaction', c.sponsorSatisfied, c.sponsorAnswers),
];
