import type { Socket } from 'socket.io';
import type { Logger } from 'pino';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  ERROR_MESSAGES,
  LiveRequests,
  type LiveAckOf,
  type LiveError,
  type LiveRequest,
  type LiveRequestName,
  type LiveResponse,
} from '@seafarer/contracts';
import {
  AppError,
  isAppError,
  toBadValue,
  toServiceUnavailable,
  type EvidenceStore,
  type InteractionLimiter,
  type LiveLogService,
  type SpotCheckService,
} from '@seafarer/core';
import type { Db } from '@seafarer/db';
import type { Peer } from '../room/peer';
import type { QuizRunner } from '../room/quizzes';
import type { RollCallRunner, StillSource } from '../room/rollcalls';
import type { Room } from '../room/room';
import type { Rooms } from '../room/rooms';

/** The node's stores and media services a handler module may use (roll-calls, spot checks). */
export interface LiveServices {
  /** PostgreSQL, for core's stores. */
  db: Db;
  clock: { now(): Date };
  /** A still of a peer's camera, grabbed by the server from the live stream (media/frame-grab.ts). */
  stills: StillSource;
  /** Where evidence bytes go (content-addressed, SHA-256), as identity evidence. */
  evidence: EvidenceStore;
  /** This node's roll-calls (room/rollcalls.ts). */
  rollCalls?: RollCallRunner;
  /** JS-7.1 / JS-14: this node's in-class quizzes (room/quizzes.ts). */
  quizzes?: QuizRunner;
  /** JS-7.2: identity spot checks (stills checked against the ID photo, flagged to managers and officers). */
  spotChecks?: SpotCheckService;
}

/** What a handler module gets for one admitted peer: the room, the peer, the node's rooms and stores. */
export interface PeerScope {
  room: Room;
  peer: Peer;
  socket: Socket;
  rooms: Rooms;
  liveLog: LiveLogService;
  /** SEC-1: the node's limits on chat, questions and hands (per connection and per account). */
  limits: InteractionLimiter;
  network: { listenIp: string; announcedIp?: string };
  /** Stores and media services (stills from the live stream, evidence, roll-calls). */
  services: LiveServices;
  log: Logger;
  /** Registers the handler of one request: its payload is validated first, its result is the ack. */
  on<N extends LiveRequestName>(name: N, fn: Handler<N>): void;
}

type Result<N extends LiveRequestName> = LiveResponse<N> extends null ? void | null : LiveResponse<N>;
export type Handler<N extends LiveRequestName> = (data: LiveRequest<N>) => Promise<Result<N>> | Result<N>;

/**
 * One concern's socket handlers (admission, media, interaction, host controls; roll-call and quiz
 * next): a function that registers its requests with `scope.on`. Each handler validates nothing by
 * itself (the schema did), asks core's room policy, acts, and returns its ack's data.
 */
export type HandlerModule = (scope: PeerScope) => void;

const validators = new Map(
  Object.entries(LiveRequests).map(([name, schema]) => [name, TypeCompiler.Compile(schema)]),
);

/**
 * The one mapping of an error to a socket ack: coded AppErrors as they are, outages retryable, a value
 * PostgreSQL refuses VALIDATION (SEC-2), the rest INTERNAL.
 */
export function errorOf(e: unknown): LiveError {
  const mapped = toBadValue(toServiceUnavailable(e));
  if (isAppError(mapped))
    return {
      code: mapped.code,
      message: mapped.localized,
      ...(mapped.retryable && { retryable: true }),
      ...(mapped.details !== undefined && { details: mapped.details }),
    };
  return { code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL };
}

/**
 * A request no handler module knows (a typo, an old client, 'recording.pause' — the recording has no
 * pause, JS-8) is refused with a code, not left without an answer.
 */
export function refuseUnknownRequests(socket: Socket): void {
  socket.onAny((name: string, ...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack === 'function' && !validators.has(name))
      (ack as (r: LiveAckOf<LiveRequestName>) => void)({
        ok: false,
        error: { code: 'ROUTE_NOT_FOUND', message: ERROR_MESSAGES.ROUTE_NOT_FOUND },
      });
  });
}

/** `scope.on` for one socket: validate the payload against its contract, run, ack `{ ok, data | error }`. */
export function requestRegistrar(socket: Socket, log: Logger): PeerScope['on'] {
  return (name, fn) => {
    const check = validators.get(name)!;
    const handle = async (data: unknown, ack: (r: LiveAckOf<typeof name>) => void) => {
      const payload = data ?? {};
      try {
        if (!check.Check(payload)) {
          const paths = [...check.Errors(payload)].slice(0, 3).map((e) => e.path);
          // The message names the first field, as the API's does (the paths are in the details).
          const field = `${name}${paths[0] ?? ''}`;
          throw new AppError('VALIDATION', {
            message: {
              zh: `${ERROR_MESSAGES.VALIDATION.zh}：字段 ${field}`,
              en: `${ERROR_MESSAGES.VALIDATION.en}: field ${field}`,
            },
            details: paths,
          });
        }
        const result = await fn(payload as LiveRequest<typeof name>);
        ack({ ok: true, data: (result ?? null) as LiveResponse<typeof name> });
      } catch (e) {
        const error = errorOf(e);
        if (error.code === 'INTERNAL') log.error({ err: e, request: name }, 'request failed');
        else if (error.code === 'SERVICE_UNAVAILABLE')
          log.warn({ err: e, request: name }, 'request failed: outage');
        ack({ ok: false, error });
      }
    };
    socket.on(name as string, (data: unknown, ack?: (r: LiveAckOf<typeof name>) => void) => {
      if (typeof ack !== 'function') return;
      // REL-1: whatever a handler (or its ack) throws is this request's failure, logged; never the node's.
      handle(data, ack).catch((err: unknown) => log.error({ err, request: name }, 'request not answered'));
    });
  };
}
