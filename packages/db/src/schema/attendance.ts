import {
  pgTable,
  uuid,
  text,
  timestamp,
  integer,
  doublePrecision,
  jsonb,
  uniqueIndex,
  index,
  primaryKey,
} from 'drizzle-orm/pg-core';
import { classSessions, classes, evidenceFiles, identityVerifications, rosterEntries } from './classes';
import { institutions } from './institution';
import { accounts } from './people';

/**
 * JS-13.2 / JS-7.2: one roll-call (点名) of one live session. Started by the instructor, a class manager
 * or an officer (`origin`), or drawn at random when the day starts (`scheduled`: `dueAt` is stored and
 * never shown to a trainee before it fires). `window_s` is the answer window; once closed, every
 * trainee of the roster has exactly one response row and `outcomes_sha256` hashes them (audited).
 */
export const rollCalls = pgTable(
  'roll_calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => classSessions.id),
    /** instructor | class_manager | officer | scheduled */
    origin: text('origin').notNull(),
    /** Who started it; null for a scheduled one. */
    startedBy: uuid('started_by').references(() => accounts.id),
    /** scheduled | open | closed | missed (the session was not live when a scheduled one fell due) */
    status: text('status').notNull(),
    /** A scheduled roll-call's drawn time (null for one started by a person). */
    dueAt: timestamp('due_at', { withTimezone: true, precision: 3 }),
    /** The seed its time was drawn with (reproducible draw, JS-13.2). */
    seed: text('seed'),
    windowS: integer('window_s').notNull(),
    firedAt: timestamp('fired_at', { withTimezone: true, precision: 3 }),
    closesAt: timestamp('closes_at', { withTimezone: true, precision: 3 }),
    closedAt: timestamp('closed_at', { withTimezone: true, precision: 3 }),
    outcomesSha256: text('outcomes_sha256'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('roll_calls_session_idx').on(t.sessionId, t.firedAt),
    index('roll_calls_due_idx').on(t.status, t.dueAt),
    index('roll_calls_class_idx').on(t.classId),
  ],
);

/**
 * One trainee's answer to one roll-call, immutable once the roll-call closes. `outcome`: present |
 * late (answered after the window) | absent (no answer) | camera_off | not_in_room. The still is the
 * server's own grab from the live stream at the push (content-addressed evidence), never the client's.
 */
export const rollCallResponses = pgTable(
  'roll_call_responses',
  {
    rollCallId: uuid('roll_call_id')
      .notNull()
      .references(() => rollCalls.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    rosterEntryId: uuid('roster_entry_id').references(() => rosterEntries.id),
    outcome: text('outcome'),
    answeredAt: timestamp('answered_at', { withTimezone: true, precision: 3 }),
    stillEvidenceId: uuid('still_evidence_id').references(() => evidenceFiles.id),
    stillAt: timestamp('still_at', { withTimezone: true, precision: 3 }),
    /** Why no still (camera off, not in the room, the grab failed). */
    stillNote: text('still_note'),
    decidedAt: timestamp('decided_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [
    primaryKey({ columns: [t.rollCallId, t.accountId] }),
    index('roll_call_responses_account_idx').on(t.accountId),
  ],
);

/**
 * JS-7.2 / JS-13.1 / JS-16: a random identity spot check (随机抽查) of a live session: a seeded, recorded
 * sample of N trainees, each checked against their verified ID photo on a still the server grabbed.
 */
export const spotChecks = pgTable(
  'spot_checks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => classSessions.id),
    /** instructor | class_manager | officer | scheduled */
    origin: text('origin').notNull(),
    startedBy: uuid('started_by').references(() => accounts.id),
    seed: text('seed').notNull(),
    sampleSize: integer('sample_size').notNull(),
    /** The accounts in the room the sample was drawn from, in the order drawn from (for the proof). */
    population: jsonb('population').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('spot_checks_session_idx').on(t.sessionId, t.createdAt)],
);

/** One sampled trainee of a spot check: the still, the face-match verdict, the flag. */
export const spotCheckItems = pgTable(
  'spot_check_items',
  {
    spotCheckId: uuid('spot_check_id')
      .notNull()
      .references(() => spotChecks.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    rosterEntryId: uuid('roster_entry_id').references(() => rosterEntries.id),
    stillEvidenceId: uuid('still_evidence_id').references(() => evidenceFiles.id),
    stillAt: timestamp('still_at', { withTimezone: true, precision: 3 }),
    /** The identity verification made of the still (decided by a person, pre-scored by the hook). */
    verificationId: uuid('verification_id').references(() => identityVerifications.id),
    /** pending | match | mismatch | no_face | camera_off | no_id_photo */
    verdict: text('verdict').notNull(),
    score: doublePrecision('score'),
    note: text('note'),
    flaggedAt: timestamp('flagged_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [primaryKey({ columns: [t.spotCheckId, t.accountId] })],
);

/**
 * JS-13.2 / JS-15: a person's decision on minutes withheld by a missed roll-call or a failed spot
 * check: the trainee's appeal (申诉) and the class manager's decision (credit | withhold).
 */
export const attendanceReviews = pgTable(
  'attendance_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => classSessions.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    /** roll_call | spot_check */
    subjectKind: text('subject_kind').notNull(),
    subjectId: uuid('subject_id').notNull(),
    appealText: text('appeal_text'),
    appealedAt: timestamp('appealed_at', { withTimezone: true, precision: 3 }),
    /** credit | withhold; null while undecided. */
    decision: text('decision'),
    decisionNote: text('decision_note'),
    decidedBy: uuid('decided_by').references(() => accounts.id),
    decidedAt: timestamp('decided_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('attendance_reviews_subject_uq').on(t.subjectKind, t.subjectId, t.accountId),
    index('attendance_reviews_class_idx').on(t.classId),
  ],
);

/** TM-6: the supervision log of recordings reviewed (抽查回放): who watched which session, when, and what they noted. */
export const recordingReviews = pgTable(
  'recording_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => classSessions.id),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    reviewerId: uuid('reviewer_id')
      .notNull()
      .references(() => accounts.id),
    /** The stretch watched, seconds into the replay. */
    fromS: doublePrecision('from_s'),
    toS: doublePrecision('to_s'),
    note: text('note'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('recording_reviews_session_idx').on(t.sessionId, t.reviewedAt)],
);
