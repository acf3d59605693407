import { pgTable, uuid, text, timestamp, jsonb, index, integer, doublePrecision } from 'drizzle-orm/pg-core';
import { classSessions, classes } from './classes';
import { accounts } from './people';

/**
 * JS-8: the presence log of a live session (join, leave, camera/mic on/off, network drops), the raw
 * material of attendance minutes. Append-only; written by the live service.
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
