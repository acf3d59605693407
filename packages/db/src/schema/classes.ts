import {
  pgTable,
  uuid,
  text,
  timestamp,
  date,
  integer,
  doublePrecision,
  jsonb,
  uniqueIndex,
  index,
  boolean,
} from 'drizzle-orm/pg-core';
import { institutions, trainingItems } from './institution';
import { accounts, people } from './people';

/** A class (培训班) for one licensed theory item. Its plan lives in versions; one version is current. */
export const classes = pgTable(
  'classes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    trainingItemId: uuid('training_item_id')
      .notNull()
      .references(() => trainingItems.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** The version being edited or filed now; the confirmed one (if any) may differ while an amendment is pending. */
    currentVersionId: uuid('current_version_id'),
    confirmedVersionId: uuid('confirmed_version_id'),
    rosterFiledAt: timestamp('roster_filed_at', { withTimezone: true }),
    rosterFiledCount: integer('roster_filed_count'),
    /** JS-13.2: seconds a trainee has to answer a roll-call. */
    rollCallWindowS: integer('roll_call_window_s').notNull().default(60),
    /** JS-13.2: random roll-calls drawn per session (at least one). */
    rollCallsPerSession: integer('roll_calls_per_session').notNull().default(1),
    /** JS-7.2: trainees sampled by a random identity spot check. */
    spotCheckSampleSize: integer('spot_check_sample_size').notNull().default(3),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('classes_code_uq').on(t.institutionId, t.code),
    index('classes_institution_idx').on(t.institutionId),
  ],
);

/**
 * QM-2: every plan is a numbered version. draft -> filed -> confirmed | rejected; a change after
 * filing makes a new draft and marks the previous version superseded (never used again).
 */
export const classPlanVersions = pgTable(
  'class_plan_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    version: integer('version').notNull(),
    status: text('status').notNull(),
    scale: integer('scale').notNull(),
    contentNote: text('content_note'),
    /** { instructors: string[], managers: [{accountId, duties}], sessions: [...] } as filed. */
    plan: jsonb('plan').notNull(),
    totalHours: doublePrecision('total_hours').notNull(),
    firstSessionDate: date('first_session_date', { mode: 'string' }).notNull(),
    createdBy: uuid('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    filedAt: timestamp('filed_at', { withTimezone: true }),
    filedBy: uuid('filed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewedBy: uuid('reviewed_by'),
    reviewReason: text('review_reason'),
  },
  (t) => [uniqueIndex('class_plan_versions_uq').on(t.classId, t.version)],
);

/** Timetable rows of a version (the live room uses those of the confirmed version). */
export const classSessions = pgTable(
  'class_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    versionId: uuid('version_id')
      .notNull()
      .references(() => classPlanVersions.id),
    seq: integer('seq').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    topic: text('topic').notNull(),
    instructorAccountId: uuid('instructor_account_id')
      .notNull()
      .references(() => accounts.id),
  },
  (t) => [
    index('class_sessions_version_idx').on(t.versionId, t.seq),
    index('class_sessions_class_idx').on(t.classId),
  ],
);

/** JS-15: one trainee in one class, with the record fields the archive must keep. PII encrypted (SEC-3). */
export const rosterEntries = pgTable(
  'roster_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id),
    accountId: uuid('account_id').references(() => accounts.id),
    name: text('name').notNull(),
    idType: text('id_type').notNull(),
    idNumberEnc: text('id_number_enc').notNull(),
    idNumberHash: text('id_number_hash').notNull(),
    idNumberMasked: text('id_number_masked').notNull(),
    phoneEnc: text('phone_enc').notNull(),
    phoneMasked: text('phone_masked').notNull(),
    education: text('education').notNull(),
    seafaring: jsonb('seafaring').notNull().default({}),
    idPhotoEvidenceId: uuid('id_photo_evidence_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('roster_entries_id_uq').on(t.classId, t.idNumberHash),
    index('roster_entries_account_idx').on(t.accountId),
  ],
);

/** JS-12: the class contact group, persisted. */
export const classMessages = pgTable(
  'class_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    authorAccountId: uuid('author_account_id')
      .notNull()
      .references(() => accounts.id),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('class_messages_class_idx').on(t.classId, t.createdAt)],
);

/** Evidence files (ID photos, verification stills): stored by content hash, access-controlled. */
export const evidenceFiles = pgTable('evidence_files', {
  id: uuid('id').primaryKey().defaultRandom(),
  institutionId: uuid('institution_id')
    .notNull()
    .references(() => institutions.id),
  classId: uuid('class_id').references(() => classes.id),
  kind: text('kind').notNull(),
  sha256: text('sha256').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  mimeType: text('mime_type').notNull(),
  storageKey: text('storage_key').notNull(),
  uploadedBy: uuid('uploaded_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** JS-13.1: one identity check of one trainee; pre-scored by a face-match provider, decided by a person. */
export const identityVerifications = pgTable(
  'identity_verifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    rosterEntryId: uuid('roster_entry_id')
      .notNull()
      .references(() => rosterEntries.id),
    stillEvidenceId: uuid('still_evidence_id')
      .notNull()
      .references(() => evidenceFiles.id),
    idPhotoEvidenceId: uuid('id_photo_evidence_id'),
    source: text('source').notNull(),
    status: text('status').notNull(),
    provider: text('provider').notNull(),
    preScore: doublePrecision('pre_score'),
    providerNote: text('provider_note'),
    reviewerAccountId: uuid('reviewer_account_id'),
    note: text('note'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    createdBy: uuid('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('identity_verifications_class_idx').on(t.classId, t.createdAt)],
);

/** In-app notification centre. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    kind: text('kind').notNull(),
    titleZh: text('title_zh').notNull(),
    titleEn: text('title_en').notNull(),
    bodyZh: text('body_zh').notNull(),
    bodyEn: text('body_en').notNull(),
    data: jsonb('data').notNull().default({}),
    /** Domain key, so a retried job does not notify twice. */
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notifications_dedupe_uq').on(t.accountId, t.dedupeKey),
    index('notifications_account_idx').on(t.accountId, t.createdAt),
  ],
);

/** Outbound deliveries (SMTP, signed webhook) of notifications, with their outcome. */
export const outboundDeliveries = pgTable('outbound_deliveries', {
  id: uuid('id').primaryKey().defaultRandom(),
  notificationId: uuid('notification_id')
    .notNull()
    .references(() => notifications.id),
  channel: text('channel').notNull(),
  status: text('status').notNull(),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Issued trainee accounts: when, by whom, and whether the one-time password is still unused. */
export const accountIssues = pgTable('account_issues', {
  id: uuid('id').primaryKey().defaultRandom(),
  classId: uuid('class_id')
    .notNull()
    .references(() => classes.id),
  rosterEntryId: uuid('roster_entry_id')
    .notNull()
    .references(() => rosterEntries.id),
  accountId: uuid('account_id')
    .notNull()
    .references(() => accounts.id),
  issuedBy: uuid('issued_by').notNull(),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
  firstLoginDone: boolean('first_login_done').notNull().default(false),
});
