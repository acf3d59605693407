import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, ListOf, Uuid } from './common';
import { LiveRole } from './live';

/**
 * HTTP answers about a taught session (the live service's socket events are in ./live): who was
 * present and for how long (JS-8), and what was said and asked (JS-7.1). Declared as response schemas
 * so an answer carries exactly these fields and nothing else (SEC-1).
 */
export const PresenceInterval = Type.Object({ from: IsoDateTime, to: IsoDateTime });
export const PresenceView = Type.Object({
  accountId: Uuid,
  name: Type.String(),
  role: LiveRole,
  /** Connected with camera and microphone published right now (JS-8). */
  present: Type.Boolean(),
  presentMinutes: Type.Number({ minimum: 0 }),
  intervals: Type.Array(PresenceInterval),
  /** The presence log of this person: join, leave, camera.on/off, mic.on/off, network.drop, removed, session.ended. */
  events: Type.Array(Type.Object({ event: Type.String(), at: IsoDateTime })),
});
export type PresenceView = Static<typeof PresenceView>;
export const SessionPresence = ListOf(PresenceView);

export const InteractionKind = Type.Union([
  Type.Literal('chat'),
  Type.Literal('question'),
  Type.Literal('hand'),
]);
export const InteractionView = Type.Object({
  id: Uuid,
  kind: InteractionKind,
  accountId: Uuid,
  name: Type.String(),
  text: Type.Union([Type.String(), Type.Null()]),
  at: IsoDateTime,
  answeredAt: Type.Union([IsoDateTime, Type.Null()]),
});
export type InteractionView = Static<typeof InteractionView>;
export const SessionInteractions = ListOf(InteractionView);
