import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, IsoDateTime, Text, Uuid } from './common';
import { OwnWithheldItem } from './attendance';
import { ClassView, HhMm } from './classes';
import { LocalizedText } from './errors';

/** How each ID type is named to people (zh first label is also what the roster template offers). */
export const ID_TYPE_NAMES = {
  resident_id: { zh: '居民身份证', en: 'Resident ID card' },
  passport: { zh: '护照', en: 'Passport' },
  hk_macao_permit: {
    zh: '港澳居民来往内地通行证',
    en: 'Mainland Travel Permit for Hong Kong and Macao Residents',
  },
  taiwan_permit: { zh: '台湾居民来往大陆通行证', en: 'Mainland Travel Permit for Taiwan Residents' },
  foreign_permanent_residence: { zh: '外国人永久居留身份证', en: 'Foreign Permanent Resident ID Card' },
} as const satisfies Record<string, LocalizedText>;

/** How each education level is named to people. */
export const EDUCATION_NAMES = {
  primary: { zh: '小学', en: 'Primary school' },
  junior_secondary: { zh: '初中', en: 'Junior secondary school' },
  senior_secondary: { zh: '高中', en: 'Senior secondary school' },
  vocational: { zh: '中专/职高', en: 'Secondary vocational school' },
  associate: { zh: '大专', en: 'Junior college (associate degree)' },
  bachelor: { zh: '本科', en: "Bachelor's degree" },
  master: { zh: '硕士', en: "Master's degree" },
  doctorate: { zh: '博士', en: 'Doctorate' },
} as const satisfies Record<string, LocalizedText>;

/** 'zh En', as bilingual headers and values read on paper ("居民身份证 Resident ID card", "已确认 Confirmed"). */
export const bilingual = (l: LocalizedText): string =>
  `${l.zh} ${l.en.charAt(0).toUpperCase()}${l.en.slice(1)}`;
/** The bilingual name of a coded value, or the value itself when the table does not know it. */
export const labelOf = (table: Readonly<Record<string, LocalizedText>>, code: string): string =>
  Object.prototype.hasOwnProperty.call(table, code) ? bilingual(table[code]!) : code;

export const RosterEntryView = Type.Object({
  id: Uuid,
  name: Type.String(),
  idType: Type.String(),
  /** SEC-3: lists show masked numbers only. */
  idNumberMasked: Type.String(),
  phoneMasked: Type.String(),
  education: Type.String(),
  seafaring: Type.Unknown(),
  accountId: Type.Union([Uuid, Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  hasIdPhoto: Type.Boolean(),
  identityStatus: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoDateTime,
});
export type RosterEntryView = Static<typeof RosterEntryView>;

export const RowErrorView = Type.Object({
  row: Type.Integer(),
  field: Type.String(),
  /** The column's header as the template names it ('证件号码'); '' for a problem with the whole file. */
  column: Type.String(),
  columnEn: Type.String(),
  code: Type.String(),
  zh: Type.String(),
  en: Type.String(),
});
export const RosterImportResult = Type.Object({ imported: Type.Integer(), total: Type.Integer() });

export const IssuedSlip = Type.Object({
  rosterEntryId: Uuid,
  name: Type.String(),
  idNumberMasked: Type.String(),
  username: Type.String(),
  oneTimePassword: Type.String(),
});
export const IssueAccountsResult = Type.Object({
  issued: Type.Array(IssuedSlip),
  alreadyHadAccount: Type.Integer(),
  notice: Type.Object({ zh: Type.String(), en: Type.String() }),
  /** Where trainees sign in (PUBLIC_BASE_URL + '/app/'): printed on each slip, with its QR code. */
  signInUrl: Type.String(),
  classCode: Type.String(),
  className: Type.String(),
  /** The first session of the current plan, China time; null for a plan without sessions. */
  firstSession: Type.Union([
    Type.Object({ date: IsoDate, start: HhMm, end: HhMm, startsAt: IsoDateTime, endsAt: IsoDateTime }),
    Type.Null(),
  ]),
});
export type IssueAccountsResult = Static<typeof IssueAccountsResult>;

export const MessageBody = Type.Object(
  { body: Text({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);
export const MessageView = Type.Object({
  id: Uuid,
  authorAccountId: Uuid,
  authorName: Type.String(),
  authorRoles: Type.Array(Type.String()),
  body: Type.String(),
  createdAt: IsoDateTime,
});
export const MessagesQuery = Type.Object(
  { after: Type.Optional(IsoDateTime), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
  { additionalProperties: false },
);

export const NotificationView = Type.Object({
  id: Uuid,
  kind: Type.String(),
  title: Type.Object({ zh: Type.String(), en: Type.String() }),
  body: Type.Object({ zh: Type.String(), en: Type.String() }),
  data: Type.Unknown(),
  createdAt: IsoDateTime,
  readAt: Type.Union([IsoDateTime, Type.Null()]),
});
export type NotificationView = Static<typeof NotificationView>;

/** Something the filer should know; the filing went through all the same. */
export const FilingWarning = Type.Object({
  code: Type.String(),
  count: Type.Integer(),
  message: LocalizedText,
});
export type FilingWarning = Static<typeof FilingWarning>;
/** POST roster/file: the class as filed, with warnings (e.g. NO_ID_PHOTO: entries without an ID photo). */
export const FileRosterResult = Type.Composite([
  ClassView,
  Type.Object({ warnings: Type.Array(FilingWarning) }),
]);
export type FileRosterResult = Static<typeof FileRosterResult>;

/** A trainee's own attendance in a class: minutes present (camera and microphone on) against the plan. */
export const TraineeAttendanceView = Type.Object({
  classId: Uuid,
  plannedMinutes: Type.Integer(),
  /** Minutes counted present so far, over all sessions (one decimal). */
  attendedMinutes: Type.Number(),
  sessions: Type.Array(
    Type.Object({
      sessionId: Uuid,
      seq: Type.Integer(),
      startsAt: IsoDateTime,
      endsAt: IsoDateTime,
      plannedMinutes: Type.Integer(),
      attendedMinutes: Type.Number(),
      /** JS-15: minutes credited by the rule (inside the timetable, less those withheld). */
      creditedMinutes: Type.Number(),
      withheldMinutes: Type.Number(),
    }),
  ),
  /** JS-15: credited by the rule, over all sessions, and the share of the teaching held so far. */
  creditedMinutes: Type.Number(),
  creditedHours: Type.Number(),
  withheldMinutes: Type.Number(),
  ratio: Type.Union([Type.Number(), Type.Null()]),
  flagged: Type.Boolean(),
  /** Roll-calls and spot checks that withhold minutes, with the appeal and decision on each. */
  withheld: Type.Array(OwnWithheldItem),
});
export type TraineeAttendanceView = Static<typeof TraineeAttendanceView>;
