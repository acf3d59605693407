// REL-2: the exam page's answer saver. Every change gets the next seq of its question and is sent at
// once; until the server acknowledges it (= stored) the question shows 保存中 Saving, then 未保存，重试中
// Not saved, retrying while it is resent with the SAME seq (a retry never overwrites a newer answer on
// the server). Only the newest answer of a question is kept pending; unacknowledged answers are kept in
// localStorage too, so a reload sends them again. A refusal (submitted, time up) stops the retries.
import type { CandidateAnswer, SaveAnswerAck, SavedAnswerView } from '@seafarer/contracts';
import { ApiError } from '../shared/api';

export type SaveState = 'saved' | 'saving' | 'retrying' | 'refused' | 'none';

interface Pending {
  answer: CandidateAnswer;
  seq: number;
}

export interface SaverOptions {
  attemptId: string;
  deviceId: string;
  send: (questionId: string, answer: CandidateAnswer, seq: number) => Promise<SaveAnswerAck>;
  /** A question's state changed (for its badge and the navigator). */
  onState: (questionId: string, state: SaveState) => void;
  /** The server refused a save for good (submitted, time up): the page reloads the attempt. */
  onRefused: (err: ApiError) => void;
  /** The server's time with an ack (the countdown follows it). */
  onServerNow?: (serverNow: string, deadlineAt: string) => void;
}

const RETRY_MS = [1000, 2000, 3000, 5000];

export class AnswerSaver {
  private readonly seq = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  private readonly inFlight = new Set<string>();
  private readonly states = new Map<string, SaveState>();
  private readonly waiters: Array<() => void> = [];
  private stopped = false;
  private readonly storeKey: string;

  constructor(
    private readonly o: SaverOptions,
    saved: SavedAnswerView[],
  ) {
    this.storeKey = `exam-pending:${o.attemptId}`;
    for (const a of saved) {
      this.seq.set(a.questionId, a.seq);
      this.states.set(a.questionId, 'saved');
    }
  }

  /** Answers left unacknowledged before a reload (newer than what the server holds): sent again. */
  restore(): Record<string, CandidateAnswer> {
    const out: Record<string, CandidateAnswer> = {};
    let stored: Record<string, Pending> = {};
    try {
      stored = JSON.parse(localStorage.getItem(this.storeKey) ?? '{}') as Record<string, Pending>;
    } catch {
      stored = {};
    }
    for (const [qid, p] of Object.entries(stored)) {
      if (p.seq <= (this.seq.get(qid) ?? 0)) continue;
      out[qid] = p.answer;
      this.seq.set(qid, p.seq);
      this.pending.set(qid, p);
      this.kick(qid);
    }
    this.persist();
    return out;
  }

  state(questionId: string): SaveState {
    return this.states.get(questionId) ?? 'none';
  }

  /** A change of the candidate's answer: the next seq, sent now (coalesced behind one in flight). */
  change(questionId: string, answer: CandidateAnswer): void {
    if (this.stopped) return;
    const seq = (this.seq.get(questionId) ?? 0) + 1;
    this.seq.set(questionId, seq);
    this.pending.set(questionId, { answer, seq });
    this.persist();
    this.kick(questionId);
  }

  /** Resolves when nothing is pending (or the saver stopped). */
  idle(): Promise<void> {
    if (this.pending.size === 0 || this.stopped) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  unsavedCount(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    this.flushWaiters();
  }

  private setState(qid: string, s: SaveState) {
    if (this.states.get(qid) === s) return;
    this.states.set(qid, s);
    this.o.onState(qid, s);
  }

  private persist() {
    try {
      if (this.pending.size === 0) localStorage.removeItem(this.storeKey);
      else localStorage.setItem(this.storeKey, JSON.stringify(Object.fromEntries(this.pending)));
    } catch {
      // storage full or blocked: the in-memory retry still runs
    }
  }

  private flushWaiters() {
    if (this.pending.size > 0 && !this.stopped) return;
    for (const w of this.waiters.splice(0)) w();
  }

  private kick(qid: string) {
    if (this.inFlight.has(qid)) return;
    void this.run(qid);
  }

  private async run(qid: string) {
    this.inFlight.add(qid);
    let attempt = 0;
    try {
      for (;;) {
        const p = this.pending.get(qid);
        if (!p || this.stopped) return;
        this.setState(qid, attempt === 0 ? 'saving' : 'retrying');
        try {
          const ack = await this.o.send(qid, p.answer, p.seq);
          this.o.onServerNow?.(ack.serverNow, ack.deadlineAt);
          // Acked: stored (or a newer one is). A change made meanwhile has a higher seq and goes next.
          if (this.pending.get(qid)?.seq === p.seq) this.pending.delete(qid);
          if (ack.seq > (this.seq.get(qid) ?? 0)) this.seq.set(qid, ack.seq);
          this.persist();
          attempt = 0;
          if (!this.pending.has(qid)) this.setState(qid, 'saved');
        } catch (err) {
          const e = err instanceof ApiError ? err : null;
          const final =
            e && (e.body.code === 'CONFLICT' || e.body.code === 'DEADLINE_PASSED' || e.status === 403);
          if (final) {
            this.pending.delete(qid);
            this.persist();
            this.setState(qid, 'refused');
            this.stop();
            this.o.onRefused(e);
            return;
          }
          // A bad shape cannot succeed by resending: drop it (the page never builds one).
          if (e && e.status === 400) {
            this.pending.delete(qid);
            this.persist();
            this.setState(qid, 'refused');
            return;
          }
          this.setState(qid, 'retrying');
          await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
          attempt += 1;
        }
      }
    } finally {
      this.inFlight.delete(qid);
      this.flushWaiters();
    }
  }
}
