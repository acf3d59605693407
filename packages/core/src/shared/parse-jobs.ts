import { parseQuestionFile } from '../exams/question-import';
import { parseRosterFile } from '../roster/roster-file';

/**
 * SEC-2: the kinds of file the parse pool reads, each a pure function of the uploaded bytes whose
 * result survives structured cloning. Only the worker threads call these (see parse-worker.ts).
 */
export const PARSE_JOBS = {
  roster: parseRosterFile,
  questions: parseQuestionFile,
} satisfies Record<string, (data: Uint8Array) => Promise<unknown>>;

export type ParseJobKind = keyof typeof PARSE_JOBS;
export type ParseJobResult<K extends ParseJobKind> = Awaited<ReturnType<(typeof PARSE_JOBS)[K]>>;
