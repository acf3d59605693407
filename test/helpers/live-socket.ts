import { io as connect, type Socket } from 'socket.io-client';
import type {
  JoinGrantView,
  LiveAckOf,
  LiveError,
  LiveEventName,
  LiveEvents,
  LiveRequest,
  LiveRequestName,
} from '@seafarer/contracts';
import type { Client } from '@seafarer/sdk';

/**
 * A participant speaking the live service's socket protocol directly (no browser, no media): what a
 * modified client could send. Every event it receives is kept, to prove what was (not) forwarded.
 */
export interface RawPeer {
  socket: Socket;
  grant: JoinGrantView;
  events: Array<{ event: LiveEventName; data: unknown }>;
  /** Sends a request and resolves with its ack, whatever it says. */
  ack<N extends LiveRequestName>(
    name: N,
    data: LiveRequest<N> | Record<string, unknown>,
  ): Promise<LiveAckOf<N>>;
  received<E extends LiveEventName>(event: E): Array<LiveEvents[E]>;
  close(): void;
}

/** The outcome of connecting: admitted (admission.ready), or refused with the error the client saw. */
export type Connected =
  { ok: true; peer: RawPeer } | { ok: false; error: LiveError; stage: 'connect' | 'admission' };

/** Fetches a join grant as `who` (through the API) and connects to the live node it names. */
export async function connectRaw(api: Client, classId: string, sessionId: string): Promise<Connected> {
  const grant = await api.call<JoinGrantView>(
    'POST',
    `/api/v1/classes/${classId}/sessions/${sessionId}/join-grant`,
  );
  return connectWithGrant(grant.liveUrl, grant);
}

export function connectWithGrant(url: string, grant: JoinGrantView): Promise<Connected> {
  const socket = connect(url, {
    auth: { grant: grant.grant },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const events: RawPeer['events'] = [];
  socket.onAny((event: LiveEventName, data: unknown) => events.push({ event, data }));
  const peer: RawPeer = {
    socket,
    grant,
    events,
    ack: (name, data) =>
      new Promise((resolve, reject) =>
        socket
          .timeout(15_000)
          .emit(name, data, (err: Error | null, ack: LiveAckOf<typeof name>) =>
            err ? reject(err) : resolve(ack),
          ),
      ),
    received: <E extends LiveEventName>(event: E) =>
      events.filter((e) => e.event === event).map((e) => e.data as LiveEvents[E]),
    close: () => socket.close(),
  };
  return new Promise((resolve) => {
    socket.once('admission.ready', () => resolve({ ok: true, peer }));
    socket.once('admission.refused', (error: LiveError) => {
      socket.close();
      resolve({ ok: false, error, stage: 'admission' });
    });
    socket.once('connect_error', (err: Error & { data?: LiveError }) => {
      socket.close();
      resolve({
        ok: false,
        error: err.data ?? { code: 'CONNECT_ERROR', message: { zh: err.message, en: err.message } },
        stage: 'connect',
      });
    });
  });
}

/** Connects and insists on being admitted. */
export async function joinRaw(api: Client, classId: string, sessionId: string): Promise<RawPeer> {
  const c = await connectRaw(api, classId, sessionId);
  if (!c.ok) throw new Error(`not admitted: ${c.error.code} (${c.stage})`);
  return c.peer;
}
