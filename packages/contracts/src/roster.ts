import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, Uuid } from './common';

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
});
export type IssueAccountsResult = Static<typeof IssueAccountsResult>;

export const MessageBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 4000 }) },
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
