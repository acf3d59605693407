import { createHash } from 'node:crypto';
import {
  QUIZ_QUESTION_TYPES,
  type AttemptMarks,
  type CandidateAnswer,
  type DailyGrade,
  type LiveRole,
  type LocalizedText,
  type Paper,
  type PaperAnswerKey,
  type PaperQuestion,
  type PoolQuestion,
  type QuestionAnswer,
  type QuizPromptQuestion,
  type QuizQuestionStats,
  type QuizQuestionType,
  type QuizResult,
  type QuizTypedQuestion,
} from '@seafarer/contracts';
import { answerText, checkQuestion } from '../exams/question-bank';
import { markAttempt, toCenti } from '../exams/marking';
import { candidatePaper } from '../exams/paper';
import { overlapMs } from '../attendance/credited-hours';
import { formatShanghaiDateTime } from '../filing/china-time';
import { AppError } from '../shared/errors';
import { isTeacher, refuse, SESSION_ENDED_MESSAGE, type Verdict } from '../live/room-policy';

/**
 * JS-7.1 / JS-14: the rules of an in-class quiz (随堂测试), once. Pure functions: who may push or close
 * one, which questions it may carry (bank questions at their current versions, or typed ones checked
 * by the question bank's rules), when an answer is taken, the distribution the instructor sees, each
 * trainee's result (marked by core's markAttempt), the digest of the results, and the daily grades.
 *
 * The timeline of one quiz: pushed at `pushedAt`; answers are taken until `closesAt` (= pushedAt + the
 * time limit) plus a short grace for the network (QUIZ_ANSWER_GRACE_MS); then the quiz closes (or the
 * instructor closes it sooner): every answer marked, scores stored, the results hashed and audited.
 */

/** An answer sent in the last moment still counts when it arrives this much after `closesAt`. */
export const QUIZ_ANSWER_GRACE_MS = 2000;

export const QUIZ_OPEN_MESSAGE: LocalizedText = {
  zh: '上一个随堂测试尚未结束',
  en: 'The previous quiz has not closed yet',
};
export const QUIZ_NOT_FOUND_MESSAGE: LocalizedText = {
  zh: '本次课没有这个随堂测试',
  en: 'There is no such quiz in this session',
};
export const QUIZ_CLOSED_MESSAGE: LocalizedText = {
  zh: '随堂测试已结束，不能再作答',
  en: 'This quiz has closed; it can no longer be answered',
};
export const QUIZ_LATE_MESSAGE: LocalizedText = {
  zh: '已超过答题时限，答案未被接收',
  en: 'The time limit has passed; the answers were not taken',
};
export const QUIZ_ANSWERED_MESSAGE: LocalizedText = {
  zh: '你已提交过本次随堂测试，每人只能作答一次',
  en: 'You have answered this quiz already; each trainee answers once',
};
export const QUIZ_TRAINEES_ONLY_MESSAGE: LocalizedText = {
  zh: '只有学员作答随堂测试',
  en: 'Only trainees answer a quiz',
};
export const QUIZ_TEACHERS_ONLY_MESSAGE: LocalizedText = {
  zh: '只有授课教师或班主任可以发布或结束随堂测试',
  en: 'Only the instructor or a class manager pushes or closes a quiz',
};

const QUIZ_CHAPTER = '随堂测试';

const badQuiz = (zh: string, en: string, details?: unknown) =>
  new AppError('VALIDATION', { message: { zh, en }, ...(details !== undefined && { details }) });

/** Who may push a quiz: the instructor or a class manager; not in an ended session; one open at a time. */
export function decideStartQuiz(
  room: { ended: boolean; openQuiz: boolean },
  peer: { role: LiveRole },
): Verdict {
  if (!isTeacher(peer)) return refuse('FORBIDDEN', QUIZ_TEACHERS_ONLY_MESSAGE);
  if (room.ended) return refuse('PRECONDITION_FAILED', SESSION_ENDED_MESSAGE);
  if (room.openQuiz) return refuse('CONFLICT', QUIZ_OPEN_MESSAGE);
  return { ok: true };
}

/** Who may close a quiz early: the instructor or a class manager. */
export function decideCloseQuiz(peer: { role: LiveRole }): Verdict {
  return isTeacher(peer) ? { ok: true } : refuse('FORBIDDEN', QUIZ_TEACHERS_ONLY_MESSAGE);
}

/** The times of a quiz pushed at `pushedAt`: answers until `closesAt` (+ grace), then it closes. */
export function quizTimes(pushedAt: Date, timeLimitS: number): { closesAt: Date; acceptUntil: Date } {
  const closesAt = new Date(pushedAt.getTime() + timeLimitS * 1000);
  return { closesAt, acceptUntil: new Date(closesAt.getTime() + QUIZ_ANSWER_GRACE_MS) };
}

/**
 * An answer: only by a trainee, to an open quiz of this session, before `closesAt` + grace, once.
 * (The store checks "once" again under its primary key.)
 */
export function decideQuizAnswer(
  quiz: { sessionId: string; status: string; closesAt: Date } | null,
  answer: { sessionId: string; role: LiveRole; now: Date; answeredBefore: boolean },
): Verdict {
  if (answer.role !== 'trainee') return refuse('FORBIDDEN', QUIZ_TRAINEES_ONLY_MESSAGE);
  if (!quiz || quiz.sessionId !== answer.sessionId) return refuse('NOT_FOUND', QUIZ_NOT_FOUND_MESSAGE);
  if (quiz.status !== 'open') return refuse('PRECONDITION_FAILED', QUIZ_CLOSED_MESSAGE);
  if (answer.now.getTime() > quiz.closesAt.getTime() + QUIZ_ANSWER_GRACE_MS)
    return refuse('DEADLINE_PASSED', QUIZ_LATE_MESSAGE);
  if (answer.answeredBefore) return refuse('CONFLICT', QUIZ_ANSWERED_MESSAGE);
  return { ok: true };
}

const isQuizType = (t: string): t is QuizQuestionType =>
  (QUIZ_QUESTION_TYPES as readonly string[]).includes(t);

/**
 * Typed questions, checked by the question bank's rules (one check for the bank and the quiz), as the
 * quiz's paper: each gets fresh ids from `newId`. A problem is refused naming the question (VALIDATION).
 */
export function typedQuizQuestions(
  typed: readonly QuizTypedQuestion[],
  newId: () => string,
): PaperQuestion[] {
  return typed.map((t, i) => {
    if (!isQuizType(t.type))
      throw badQuiz(
        `第 ${i + 1} 题：随堂测试只能用单选、多选、判断或填空题`,
        `Question ${i + 1}: a quiz asks single, multiple, true/false or fill-in questions only`,
      );
    const checked = checkQuestion({
      type: t.type,
      stem: t.stem,
      ...(t.options && { options: t.options }),
      answer: t.answer,
      chapter: QUIZ_CHAPTER,
      difficulty: 3,
      score: t.score,
    });
    if (!checked.ok) {
      const first = checked.problems[0]!;
      throw badQuiz(`第 ${i + 1} 题：${first.zh}`, `Question ${i + 1}: ${first.en}`, {
        question: i + 1,
        problems: checked.problems,
      });
    }
    const v = checked.value;
    return {
      no: i + 1,
      questionId: newId(),
      versionId: newId(),
      type: v.type,
      chapter: v.chapter,
      difficulty: v.difficulty,
      score: v.score,
      stem: v.stem,
      ...(v.options.length > 0 && { options: v.options }),
      answer: v.answer as PaperAnswerKey,
    };
  });
}

/**
 * Bank questions (the active ones of the class's training item at their current versions, as
 * `found`), in the order the instructor picked them. A picked id not found (another item's, retired,
 * unknown) or a short answer is refused naming it; nothing is pushed.
 */
export function bankQuizQuestions(ids: readonly string[], found: readonly PoolQuestion[]): PaperQuestion[] {
  if (new Set(ids).size !== ids.length)
    throw badQuiz('同一道题不能选两次', 'A question is picked twice', { in: 'questionIds' });
  const byId = new Map(found.map((q) => [q.questionId, q]));
  return ids.map((id, i) => {
    const q = byId.get(id);
    if (!q)
      throw badQuiz(
        `第 ${i + 1} 题不是本班培训项目题库中的在用题目`,
        `Question ${i + 1} is not an active question of this class's training item`,
        { in: 'questionIds', questionId: id },
      );
    if (!isQuizType(q.type))
      throw badQuiz(
        `第 ${i + 1} 题是简答题，需人工阅卷，不能用于随堂测试`,
        `Question ${i + 1} is a short answer (marked by hand); a quiz cannot ask it`,
        { in: 'questionIds', questionId: id },
      );
    return {
      no: i + 1,
      questionId: q.questionId,
      versionId: q.versionId,
      type: q.type,
      chapter: q.chapter,
      difficulty: q.difficulty,
      score: toCenti(q.score) / 100,
      ...(q.stem !== undefined && { stem: q.stem }),
      ...(q.options && q.options.length > 0 && { options: q.options }),
      answer: q.answer,
    };
  });
}

/** The quiz as a paper (for marking): its questions and total. */
export function quizPaper(questions: readonly PaperQuestion[]): Paper {
  return {
    seed: 'quiz',
    questions: [...questions],
    totalScore: questions.reduce((c, q) => c + toCenti(q.score), 0) / 100,
  };
}

/** What a trainee is shown before the close: core's candidate paper (no answers, no mapping). */
export function promptQuestions(paper: Paper): QuizPromptQuestion[] {
  return candidatePaper(paper).questions.map((q) => ({
    no: q.no,
    questionId: q.questionId,
    type: q.type as QuizQuestionType,
    stem: q.stem ?? '',
    score: q.score,
    ...(q.options && { options: q.options }),
    ...(q.blanks !== undefined && { blanks: q.blanks }),
  }));
}

/**
 * A trainee's answer sheet: every key a question of the quiz, every answer of its type's shape (a key
 * of the options, keys, true/false, text or blanks). Refused whole (VALIDATION) otherwise.
 */
export function checkQuizAnswers(paper: Paper, answers: Readonly<Record<string, CandidateAnswer>>): void {
  const byId = new Map(paper.questions.map((q) => [q.questionId, q]));
  for (const [id, a] of Object.entries(answers)) {
    const q = byId.get(id);
    if (!q)
      throw badQuiz('答案中有不属于本测试的题目', 'An answer is for a question not in this quiz', {
        questionId: id,
      });
    if (a === null) continue;
    const keys = new Set((q.options ?? []).map((o) => o.key));
    const ok =
      q.type === 'single'
        ? typeof a === 'string' && keys.has(a)
        : q.type === 'multiple'
          ? Array.isArray(a) && new Set(a).size === a.length && a.every((k) => keys.has(k))
          : q.type === 'true_false'
            ? typeof a === 'boolean'
            : typeof a === 'string' || Array.isArray(a);
    if (!ok)
      throw badQuiz(`第 ${q.no} 题的答案格式不对`, `The answer to question ${q.no} has the wrong form`, {
        questionId: id,
        no: q.no,
      });
  }
}

/** The stored marks of one answer sheet (core's marking, the default policy: partial credit for multiple). */
export const markQuiz = (paper: Paper, answers: Readonly<Record<string, CandidateAnswer>>): AttemptMarks =>
  markAttempt(paper, answers);

/** The right answer in the keys shown and as a person reads it. */
function rightAnswer(q: PaperQuestion): { key: PaperAnswerKey; text: string } {
  return { key: q.answer, text: answerText(q.type, q.answer as QuestionAnswer) };
}

/** The instructor's distribution: per question the count of each key chosen, right / partial / wrong / blank. */
export function quizDistribution(
  paper: Paper,
  sheets: ReadonlyArray<{ answers: Readonly<Record<string, CandidateAnswer>>; marks?: AttemptMarks | null }>,
): QuizQuestionStats[] {
  const stats = paper.questions.map((q) => {
    const counts: Record<string, number> = {};
    if (q.type === 'true_false') {
      counts.true = 0;
      counts.false = 0;
    }
    for (const o of q.options ?? []) counts[o.key] = 0;
    return {
      no: q.no,
      questionId: q.questionId,
      type: q.type as QuizQuestionType,
      stem: q.stem ?? '',
      score: q.score,
      options: q.options ?? [],
      answerText: rightAnswer(q).text,
      rightKeys:
        q.type === 'true_false'
          ? [String(q.answer.value)]
          : (q.options ?? [])
              .filter((o) => (q.answer.keys ?? []).includes(q.optionMap?.[o.key] ?? o.key))
              .map((o) => o.key),
      counts,
      right: 0,
      partial: 0,
      wrong: 0,
      blank: 0,
    };
  });
  for (const s of sheets) {
    const marks = s.marks ?? markQuiz(paper, s.answers);
    marks.questions.forEach((m, i) => {
      const st = stats[i]!;
      const a = s.answers[m.questionId];
      if (!m.answered) st.blank++;
      else if (m.correct) st.right++;
      else if (m.score > 0) st.partial++;
      else st.wrong++;
      const chosen = typeof a === 'boolean' ? [String(a)] : st.options.length ? [a ?? []].flat() : [];
      for (const k of chosen) if (typeof k === 'string' && k in st.counts) st.counts[k] = st.counts[k]! + 1;
    });
  }
  return stats;
}

/** A trainee's result after the close: their answers, the right ones, each mark (unanswered: 0). */
export function quizResult(
  quiz: { id: string; title: string },
  paper: Paper,
  sheet: { answers: Readonly<Record<string, CandidateAnswer>>; marks: AttemptMarks } | null,
): QuizResult {
  const marks = sheet?.marks ?? markQuiz(paper, {});
  return {
    quizId: quiz.id,
    title: quiz.title,
    answered: !!sheet,
    score: sheet ? marks.score : 0,
    max: paper.totalScore,
    questions: paper.questions.map((q, i) => {
      const m = marks.questions[i]!;
      const r = rightAnswer(q);
      return {
        no: q.no,
        questionId: q.questionId,
        type: q.type as QuizQuestionType,
        stem: q.stem ?? '',
        options: q.options ?? [],
        yourAnswer: sheet?.answers[q.questionId] ?? null,
        rightAnswer: r.key,
        answerText: r.text,
        score: m.score,
        max: m.max,
        correct: m.correct,
      };
    }),
  };
}

/**
 * The digest of a quiz's results, stored with the close: SHA-256 over the quiz id, then one line per
 * answer in account order, `accountId|answeredAt ISO|score|max|answers JSON (keys sorted)`.
 */
export function quizResultsSha256(
  quizId: string,
  rows: ReadonlyArray<{
    accountId: string;
    answeredAt: Date;
    score: number;
    max: number;
    answers: Readonly<Record<string, unknown>>;
  }>,
): string {
  const lines = [...rows]
    .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
    .map((r) => {
      const sorted = Object.fromEntries(Object.entries(r.answers).sort(([a], [b]) => (a < b ? -1 : 1)));
      return `${r.accountId}|${r.answeredAt.toISOString()}|${r.score}|${r.max}|${JSON.stringify(sorted)}`;
    });
  return createHash('sha256')
    .update([quizId, ...lines].join('\n'))
    .digest('hex');
}

/** A closed quiz, as the daily grades read it. */
export interface GradedQuiz {
  id: string;
  /** The class day: the date of the quiz's session (China calendar). */
  date: string;
  title: string;
  pushedAt: Date;
  closedAt: Date;
  totalScore: number;
}

/**
 * JS-14: the daily grade (平时成绩) of each trainee on each class day (its session's date): the sum of
 * their quiz scores over the sum of those quizzes' totals. A quiz counts for a trainee who answered it,
 * or who was in the room (present by the attendance rule: `present` spans) at any moment between its
 * push and its close and did not answer (0). A quiz that counts for nobody is not in anyone's grade.
 */
export function dailyGrades(
  quizzes: readonly GradedQuiz[],
  trainees: ReadonlyArray<{ accountId: string; name: string }>,
  answers: ReadonlyMap<string, { score: number | null; max: number | null }>,
  present: ReadonlyMap<string, ReadonlyArray<{ from: number; to: number }>>,
): { dates: string[]; grades: DailyGrade[] } {
  const sorted = [...quizzes].sort((a, b) => a.pushedAt.getTime() - b.pushedAt.getTime());
  const dateOf = (q: GradedQuiz) => q.date;
  const dates = [...new Set(sorted.map(dateOf))];
  const grades: DailyGrade[] = [];
  for (const t of trainees) {
    const spans = present.get(t.accountId) ?? [];
    const byDate = new Map<string, DailyGrade>();
    for (const q of sorted) {
      const a = answers.get(`${q.id}:${t.accountId}`);
      const inRoom = overlapMs(spans, [{ from: q.pushedAt.getTime(), to: q.closedAt.getTime() }]) > 0;
      if (!a && !inRoom) continue;
      const date = dateOf(q);
      let g = byDate.get(date);
      if (!g)
        byDate.set(
          date,
          (g = { accountId: t.accountId, name: t.name, date, score: 0, max: 0, percent: null, quizzes: [] }),
        );
      const score = a?.score ?? 0;
      const max = a?.max ?? q.totalScore;
      g.score = (toCenti(g.score) + toCenti(score)) / 100;
      g.max = (toCenti(g.max) + toCenti(max)) / 100;
      g.quizzes.push({
        quizId: q.id,
        title: q.title,
        time: formatShanghaiDateTime(q.pushedAt).slice(11, 16),
        answered: !!a,
        score,
        max,
      });
    }
    for (const g of byDate.values()) {
      g.percent = g.max > 0 ? Math.round((g.score / g.max) * 1000) / 10 : null;
      grades.push(g);
    }
  }
  return { dates, grades };
}
