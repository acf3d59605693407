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
import { AppError, isAppError, toServiceUnavailable, type LiveLogService } from '@seafarer/core';
import type { Peer } from '../room/peer';
import type { Room } from '../room/room';
import type { Rooms } from '../room/rooms';

/** What a handler module gets for one admitted peer: the room, the peer, the node's rooms and stores. */
export interface PeerScope {
  room: Room;
  peer: Peer;
  socket: Socket;
  rooms: Rooms;
  liveLog: LiveLogService;
  network: { listenIp: string; announcedIp?: string };
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

/** The one mapping of an error to a socket ack: coded AppErrors as they are, outages retryable, the rest INTERNAL. */
export function errorOf(e: unknown): LiveError {
  const mapped = toServiceUnavailable(e);
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
    socket.on(name as string, async (data: unknown, ack?: (r: LiveAckOf<typeof name>) => void) => {
      if (typeof ack !== 'function') return;
      const payload = data ?? {};
      try {
        if (!check.Check(payload))
          throw new AppError('VALIDATION', {
            details: [...check.Errors(payload)].slice(0, 3).map((e) => e.path),
          });
        const result = await fn(payload as LiveRequest<typeof name>);
        ack({ ok: true, data: (result ?? null) as LiveResponse<typeof name> });
      } catch (e) {
        const error = errorOf(e);
        if (error.code === 'INTERNAL') log.error({ err: e, request: name }, 'request failed');
        else if (error.code === 'SERVICE_UNAVAILABLE')
          log.warn({ err: e, request: name }, 'request failed: outage');
        ack({ ok: false, error });
      }
    });
  };
}
