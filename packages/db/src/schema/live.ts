import {
  pgTable,
  uuid,
  text,
  timestamp,
  jsonb,
  index,
  integer,
  doublePrecision,
  primaryKey,
} from 'drizzle-orm/pg-core';
import { classSessions, classes } from './classes';
import { accounts } from './people';

/**
 * JS-8: the presence log of a live session (join, leave, camera/mic on/off, network drops), the raw
 * material of attendance minutes. Append-only; written by the live service. The id is the event's
 * own, made when it happened: a write retried after a database hiccup stores it once.
 */
export const livePresenceEvents = pgTable(
  'live_presence_events',
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
    role: text('role').notNull(),
    event: text('event').notNull(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    data: jsonb('data').notNull().default({}),
  },
  (t) => [index('live_presence_session_idx').on(t.sessionId, t.at)],
);

/**
 * VC-3: a session ended for good (by its instructor, or by the timetable). Every live node and the
 * API read it: no join grant and no admission afterwards, whichever node hosts the room.
 */
export const liveSessionClosures = pgTable('live_session_closures', {
  sessionId: uuid('session_id')
    .primaryKey()
    .references(() => classSessions.id),
  classId: uuid('class_id')
    .notNull()
    .references(() => classes.id),
  /** host | timetable */
  reason: text('reason').notNull(),
  /** The instructor who ended it; null when the timetable did. */
  endedBy: uuid('ended_by').references(() => accounts.id),
  endedAt: timestamp('ended_at', { withTimezone: true, precision: 3 }).notNull(),
});

/** TM-2: a trainee removed from a session by its instructor or class manager may not come back to it. */
export const liveRemovals = pgTable(
  'live_removals',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => classSessions.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    removedBy: uuid('removed_by')
      .notNull()
      .references(() => accounts.id),
    removedAt: timestamp('removed_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.accountId] })],
);

/** JS-7.1: chat, questions (with answered state) and raised hands, persisted. */
export const liveInteractions = pgTable(
  'live_interactions',
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
    kind: text('kind').notNull(),
    text: text('text'),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    answeredBy: uuid('answered_by'),
  },
  (t) => [index('live_interactions_session_idx').on(t.sessionId, t.at)],
);

/**
 * VC-2 / JS-8: one recording per live session: the recorder's manifest (segments with SHA-256, gaps),
 * then the single replay file made from it by the worker.
 */
export const recordings = pgTable('recordings', {
  sessionId: uuid('session_id')
    .primaryKey()
    .references(() => classSessions.id),
  classId: uuid('class_id')
    .notNull()
    .references(() => classes.id),
  institutionId: uuid('institution_id').notNull(),
  /** recording | processing | ready | failed */
  status: text('status').notNull(),
  manifest: jsonb('manifest').notNull(),
  replayKey: text('replay_key'),
  replaySha256: text('replay_sha256'),
  replayBytes: integer('replay_bytes'),
  replayDurationS: doublePrecision('replay_duration_s'),
  error: text('error'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
