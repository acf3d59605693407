import { Device, types as ms } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import type {
  JoinGrantView,
  JoinResult,
  LiveAckOf,
  LiveError,
  LiveEvents,
  LiveRequest,
  LiveRequestName,
  LiveResponse,
  MediaSource,
  PeerInfo,
  ProducerInfo,
  RoomHistoryItem,
  RollCallLiveView,
  RollCallOutcome,
} from '@seafarer/contracts';

/** What the room offers this participant, as the server's join answer says (it enforces each). */
export type RoomAbilities = NonNullable<JoinResult['can']>;
const NOTHING: RoomAbilities = {
  chat: false,
  ask: false,
  raiseHand: false,
  host: false,
  mainPicture: false,
  screen: false,
  end: false,
};
/** A question as the room keeps it: asked, then marked answered. */
export type RoomQuestion = RoomHistoryItem;

export interface RemoteStream {
  consumer: ms.Consumer;
  peerId: string;
  source: MediaSource;
}

export interface LiveClientOptions {
  apiBase: string;
  token: () => string | null;
  classId: string;
  sessionId: string;
  /** Publish camera and microphone (false for observers and for a device-less check). */
  publish: { camera: boolean; mic: boolean };
  lite?: boolean;
  onChange(): void;
  onEvent?<E extends keyof LiveEvents>(event: E, data: LiveEvents[E]): void;
  /** Receive only the streams this accepts (JS-16 monitoring wall: the instructor's camera); all when absent. */
  receive?(p: ProducerInfo, owner: PeerInfo | undefined): boolean;
}

// Instructor: 720p in three layers; trainees: 360p in two (phones upload little).
const SIMULCAST = {
  instructor: [
    { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
    { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
    { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
  ],
  other: [
    { scaleResolutionDownBy: 2, maxBitrate: 120_000 },
    { scaleResolutionDownBy: 1, maxBitrate: 400_000 },
  ],
};

/** Live nodes in a row that may send us on to another before the refusal is shown. */
const MAX_NODE_HOPS = 2;

/**
 * One participant's connection to a live session. Re-joins by itself after a network drop or a
 * media-server rebuild (REL-1): a fresh join grant is fetched on every (re)connection.
 */
export class LiveClient {
  socket: Socket | null = null;
  device: Device | null = null;
  send: ms.Transport | null = null;
  recv: ms.Transport | null = null;
  readonly producers = new Map<MediaSource, ms.Producer>();
  readonly remote = new Map<string, RemoteStream>();
  peers = new Map<string, PeerInfo>();
  self: JoinResult['self'] | null = null;
  main: JoinResult['main'] = { source: 'camera', peerId: null };
  observers = 0;
  micAllowed = false;
  state: 'connecting' | 'joined' | 'rejoining' | 'ended' | 'removed' | 'refused' | 'left' = 'connecting';
  /** Why the connection was closed by the room ('removed' state): removed by a teacher, or replaced by another login. */
  removedReason: LiveEvents['removed']['reason'] | null = null;
  endedBy: LiveEvents['session.ended'] | null = null;
  can: RoomAbilities = NOTHING;
  endsAt: number | null = null;
  expected: number | null = null;
  /** Teachers and observers: the roster's trainees, to see who is absent. */
  roster: NonNullable<JoinResult['roster']> = [];
  handRaised = false;
  /** The chat so far (history on join, then live), oldest first. */
  readonly chat: RoomHistoryItem[] = [];
  /** Questions this participant sees (a trainee: their own), by id. */
  readonly questions = new Map<string, RoomQuestion>();
  /**
   * JS-13.2: the roll-call this trainee was challenged with: its window, the outcome of their stored
   * answer, and the final outcome once it closed.
   */
  rollCall:
    | (LiveEvents['rollcall.challenge'] & {
        receivedAt: number;
        outcome: RollCallOutcome | null;
        final: RollCallOutcome | null;
      })
    | null = null;
  /** Staff and officers: the latest view of the room's roll-call (progress, then its summary). */
  rollCallView: RollCallLiveView | null = null;
  /**
   * JS-7.2: the staff's latest identity spot check in this room: whom it sampled (the ack) and, once every
   * still is grabbed and checked, the verdicts (`spotcheck.done`, never sent to trainees).
   */
  spotCheck: { started: LiveResponse<'spotcheck.start'>; done: LiveEvents['spotcheck.done'] | null } | null =
    null;
  /**
   * JS-7.1: the room's quiz (quiz-ui.ts shows it): a trainee's prompt (no answers) and, after the close,
   * their result; the staff's console (distribution, never sent to trainees).
   */
  quiz: {
    prompt: LiveEvents['quiz.prompt'] | null;
    answeredAt: string | null;
    result: LiveEvents['quiz.result'] | null;
    view: LiveEvents['quiz.progress'] | null;
  } = { prompt: null, answeredAt: null, result: null, view: null };
  /** Peers whose voice is heard right now (received audio level above a whisper). */
  speaking = new Set<string>();
  private levelTimer: ReturnType<typeof setInterval> | null = null;
  /** Receive quality from the last stats (packet loss and the measured downlink). */
  quality: 'good' | 'fair' | 'poor' | null = null;
  private lastRecv = { packets: 0, lost: 0 };
  /** Whether this role's camera goes on as it joins (the server says; the class manager's does not). */
  private cameraAtJoin = true;
  role: JoinGrantView['liveRole'] | null = null;
  lastError: LiveError | null = null;
  joinedAt: number[] = [];
  private localStream: MediaStream | null = null;
  private joining: Promise<void> | null = null;
  private readonly consuming = new Set<string>();
  private readonly early = new Map<string, ProducerInfo>();
  /** Producers the server created paused (TM-2: a trainee's microphone until allowed): paused here too. */
  private readonly pausedByServer = new Set<string>();

  constructor(private readonly opts: LiveClientOptions) {}

  async grant(): Promise<JoinGrantView> {
    const res = await fetch(
      `${this.opts.apiBase}/api/v1/classes/${this.opts.classId}/sessions/${this.opts.sessionId}/join-grant`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${this.opts.token()}` },
      },
    );
    const body = (await res.json()) as JoinGrantView & { code?: string };
    if (!res.ok) throw Object.assign(new Error(body.code), { data: body });
    return body as JoinGrantView;
  }

  async start(): Promise<void> {
    let first: JoinGrantView;
    try {
      first = await this.grant();
    } catch (e) {
      this.fail((e as { data?: LiveClient['lastError'] }).data ?? null, 'refused');
      return;
    }
    this.role = first.liveRole;
    this.connect(first.liveUrl, first, 0);
  }

  /**
   * Connects to one live node. All of a session's peers share one node: a node that does not host
   * the session names the one that does (ROOM_ON_OTHER_NODE), and a node gone for good is replaced
   * by the one the API names now.
   */
  private connect(url: string, first: JoinGrantView | null, hops: number) {
    let grant = first;
    const socket = io(url, {
      forceNew: true,
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 2000,
      // A fresh grant on every (re)connection: grants live two minutes.
      auth: (cb) => {
        if (grant) {
          cb({ grant: grant.grant });
          grant = null;
        } else
          this.grant().then(
            (g) => cb({ grant: g.grant }),
            () => cb({}),
          );
      },
    });
    this.socket = socket;
    const moveTo = (next: string) => {
      socket.removeAllListeners();
      socket.io.removeAllListeners();
      socket.disconnect();
      this.connect(next, null, hops + 1);
    };
    socket.on('connect', () => (hops = 0));
    this.rollCallEvents(socket);
    this.quizEvents(socket);
    // A service briefly unavailable (its database or Redis away) is tried again, not shown as a refusal.
    const retryLater = () => setTimeout(() => this.socket === socket && socket.connect(), 1500);
    socket.on('admission.ready', (d: LiveEvents['admission.ready']) => {
      this.cameraAtJoin = d.camera ?? true;
      void this.join();
    });
    socket.on('admission.refused', (err: LiveEvents['admission.refused']) => {
      if (err.retryable) return void retryLater();
      this.fail(err, 'refused');
    });
    socket.on('connect_error', (err: Error & { data?: LiveError & { details?: { url?: string } } }) => {
      const elsewhere = err.data?.details?.url;
      if (err.data?.code === 'ROOM_ON_OTHER_NODE' && elsewhere && hops < MAX_NODE_HOPS)
        return moveTo(elsewhere);
      if (err.data?.retryable && !socket.active) return void retryLater();
      if (err.data) this.fail(err.data, this.state === 'joined' ? 'rejoining' : 'refused');
    });
    let unreachable = 0;
    socket.io.on('reconnect_error', () => {
      if (++unreachable % 3 !== 0) return;
      this.grant().then(
        (g) => g.liveUrl !== url && this.socket === socket && moveTo(g.liveUrl),
        () => undefined,
      );
    });
    socket.on('disconnect', () => {
      if (this.state === 'joined') this.state = 'rejoining';
      this.teardownTransports();
      this.opts.onChange();
    });
    socket.on('room.reset', () => {
      this.state = 'rejoining';
      this.teardownTransports();
      void this.join();
    });
    socket.on('removed', (d: LiveEvents['removed']) => {
      this.removedReason = d.reason;
      this.finish('removed', d);
    });
    socket.on('session.ended', (d: LiveEvents['session.ended']) => {
      this.endedBy = d;
      this.finish('ended', d);
    });
    socket.on('peer.joined', (p: PeerInfo) => this.peers.set(p.id, p) && this.changed('peer.joined', p));
    socket.on('peer.updated', (p: PeerInfo) => {
      // About oneself (a teacher lowered the hand): own state, not a participant entry.
      if (p.id === this.self?.id) {
        this.handRaised = p.handRaised;
        this.micAllowed = p.micAllowed;
        return void this.changed('peer.updated', p);
      }
      this.peers.set(p.id, p);
      this.changed('peer.updated', p);
    });
    socket.on('chat.message', (m: LiveEvents['chat.message']) => {
      this.chat.push({ ...m, kind: 'chat', answered: false });
      if (this.chat.length > 500) this.chat.shift();
      this.changed('chat.message', m);
    });
    socket.on('question.new', (q: LiveEvents['question.new']) => {
      this.questions.set(q.id, { ...q, kind: 'question', answered: false });
      this.changed('question.new', q);
    });
    socket.on('question.answered', (d: LiveEvents['question.answered']) => {
      const q = this.questions.get(d.id);
      if (q) q.answered = true;
      this.changed('question.answered', d);
    });
    socket.on('peer.left', (d: { peerId: string }) => {
      this.peers.delete(d.peerId);
      for (const [id, r] of this.remote) if (r.peerId === d.peerId) this.remote.delete(id);
      this.changed('peer.left', d);
    });
    socket.on('producer.new', (p: ProducerInfo) => void this.consume(p));
    socket.on('consumer.closed', (d: { consumerId: string }) => {
      this.remote.get(d.consumerId)?.consumer.close();
      this.remote.delete(d.consumerId);
      this.changed('consumer.closed', d);
    });
    socket.on('main.changed', (m: JoinResult['main']) => {
      this.main = m;
      this.changed('main.changed', m);
    });
    socket.on('mic.allowed', (d: { allowed: boolean }) => {
      this.micAllowed = d.allowed;
      // TM-2: the right to speak taken back pauses the microphone on the server: the button says so.
      if (!d.allowed) this.producers.get('mic')?.pause();
      this.changed('mic.allowed', d);
    });
    socket.on('producer.paused', (d: LiveEvents['producer.paused']) => {
      // Muted by the instructor: the own microphone shows muted (the server paused it).
      const own = [...this.producers.values()].find((p) => p.id === d.producerId);
      if (own && d.paused) own.pause();
      this.changed('producer.paused', d);
    });
    socket.on('observers.changed', (d: { count: number }) => {
      this.observers = d.count;
      this.changed('observers.changed', d);
    });
  }

  /** The roll-call's events (JS-13.2): the trainee's challenge and result, the staff's view. */
  private rollCallEvents(socket: Socket) {
    socket.on('rollcall.challenge', (d: LiveEvents['rollcall.challenge']) => {
      this.rollCall = { ...d, receivedAt: Date.now(), outcome: null, final: null };
      this.changed('rollcall.challenge', d);
    });
    socket.on('rollcall.result', (d: LiveEvents['rollcall.result']) => {
      if (this.rollCall?.rollCallId === d.rollCallId) this.rollCall.final = d.outcome;
      this.changed('rollcall.result', d);
    });
    socket.on('rollcall.progress', (v: LiveEvents['rollcall.progress']) => {
      this.rollCallView = v;
      this.changed('rollcall.progress', v);
    });
    socket.on('rollcall.closed', (v: LiveEvents['rollcall.closed']) => {
      this.rollCallView = v;
      this.changed('rollcall.closed', v);
    });
    socket.on('spotcheck.done', (v: LiveEvents['spotcheck.done']) => {
      // Another staff member's spot check is shown too: whoever started it, the room's staff see it.
      if (this.spotCheck?.started.spotCheckId === v.spotCheckId) this.spotCheck.done = v;
      else this.spotCheck = { started: { spotCheckId: v.spotCheckId, sampled: v.items }, done: v };
      this.changed('spotcheck.done', v);
    });
  }

  /** The quiz's events (JS-7.1): the trainee's prompt and result, the staff's console. */
  private quizEvents(socket: Socket) {
    socket.on('quiz.prompt', (d: LiveEvents['quiz.prompt']) => {
      if (this.quiz.prompt?.quizId !== d.quizId) this.quiz = { ...this.quiz, result: null, answeredAt: null };
      this.quiz.prompt = d;
      if (d.answeredAt) this.quiz.answeredAt = d.answeredAt;
      this.changed('quiz.prompt', d);
    });
    socket.on('quiz.result', (d: LiveEvents['quiz.result']) => {
      this.quiz.result = d;
      this.changed('quiz.result', d);
    });
    for (const e of ['quiz.progress', 'quiz.closed'] as const)
      socket.on(e, (v: LiveEvents['quiz.progress']) => {
        this.quiz.view = v;
        this.changed(e, v);
      });
  }

  /** Trainee: answers the quiz once; acknowledged once stored. */
  async answerQuiz(answers: LiveRequest<'quiz.answer'>['answers']): Promise<string> {
    const p = this.quiz.prompt;
    if (!p) throw new Error('no quiz');
    const { answeredAt } = await this.request('quiz.answer', { quizId: p.quizId, answers });
    this.quiz.answeredAt = answeredAt;
    this.opts.onChange();
    return answeredAt;
  }

  /** Staff: starts an identity spot check (the server decides who may, and whom it samples). */
  async startSpotCheck(): Promise<LiveResponse<'spotcheck.start'>> {
    const started = await this.request('spotcheck.start', {});
    // Its verdicts may have arrived before the ack (a room without cameras is checked at once).
    if (this.spotCheck?.started.spotCheckId !== started.spotCheckId) this.spotCheck = { started, done: null };
    this.opts.onChange();
    return started;
  }

  /** Staff: starts a roll-call (the server decides who may). */
  async startRollCall(): Promise<LiveResponse<'rollcall.start'>> {
    return this.request('rollcall.start', {});
  }

  /** Trainee: answers the roll-call's challenge; the outcome is the stored answer's. */
  async answerRollCall(): Promise<RollCallOutcome | null> {
    const rc = this.rollCall;
    if (!rc) return null;
    const { outcome } = await this.request('rollcall.answer', { rollCallId: rc.rollCallId });
    rc.outcome = outcome;
    this.opts.onChange();
    return outcome;
  }

  private changed<E extends keyof LiveEvents>(event: E, data: LiveEvents[E]): true {
    this.opts.onEvent?.(event, data);
    this.opts.onChange();
    return true;
  }

  private fail(err: LiveClient['lastError'], state: LiveClient['state']) {
    this.lastError = err;
    this.state = state;
    this.opts.onChange();
  }

  private finish(state: 'ended' | 'removed' | 'left', data: unknown) {
    this.state = state;
    if (this.reportTimer) clearInterval(this.reportTimer);
    if (this.levelTimer) clearInterval(this.levelTimer);
    this.speaking.clear();
    this.teardownTransports();
    this.localStream?.getTracks().forEach((track) => track.stop());
    this.socket?.disconnect();
    if (state !== 'left') this.opts.onEvent?.(state === 'ended' ? 'session.ended' : 'removed', data as never);
    this.opts.onChange();
  }

  /** Leaves the room (camera and microphone off, connection closed); a reload comes back. */
  leave(): void {
    this.finish('left', null);
  }

  /** Raises or lowers the own hand; the button follows the server's answer. */
  async setHand(raised: boolean): Promise<void> {
    await this.request('hand.raise', { raised });
    this.handRaised = raised;
    this.opts.onChange();
  }

  request<N extends LiveRequestName>(name: N, data: LiveRequest<N>): Promise<LiveResponse<N>> {
    return new Promise((resolve, reject) => {
      this.socket!.timeout(10_000).emit(name, data, (err: Error | null, ack: LiveAckOf<N>) => {
        if (err) reject(err);
        else if (ack.ok) resolve(ack.data);
        else reject(Object.assign(new Error(ack.error.code), { data: ack.error }));
      });
    });
  }

  private join(): Promise<void> {
    // A join that meets a half-rebuilt room is simply tried again, as long as the connection lives.
    this.joining ??= this.doJoin()
      .catch((e: unknown) => {
        console.warn('join failed; retrying', e);
        this.teardownTransports();
        if (this.socket?.connected && this.state !== 'ended' && this.state !== 'removed')
          setTimeout(() => void this.join(), 1000);
      })
      .finally(() => (this.joining = null));
    return this.joining;
  }

  private async doJoin() {
    // mediasoup's own parameter objects travel as opaque JSON in the contract; mediasoup checks them.
    const { routerRtpCapabilities } = await this.request('room.capabilities', {});
    this.device = new Device();
    await this.device.load({ routerRtpCapabilities: routerRtpCapabilities as ms.RtpCapabilities });
    // JS-16: a silent observer publishes nothing.
    const want =
      this.role === 'observer'
        ? { camera: false, mic: false }
        : { camera: this.opts.publish.camera && this.cameraAtJoin, mic: this.opts.publish.mic };
    // The camera outlives transports (stopTracks: false), but a track the OS ended is acquired again.
    if (this.localStream?.getTracks().some((t) => t.readyState === 'ended')) this.localStream = null;
    if ((want.camera || want.mic) && !this.localStream) {
      this.localStream = await navigator.mediaDevices.getUserMedia({
        video: want.camera && this.videoConstraints(),
        audio: want.mic,
      });
    }
    const hasCam = !!this.localStream?.getVideoTracks()[0];
    const hasMic = !!this.localStream?.getAudioTracks()[0];
    // Producers announced from now until the receive transport exists are consumed with the join's list.
    this.early.clear();
    const joined: JoinResult = await this.request('room.join', {
      rtpCapabilities: this.device.rtpCapabilities,
      device: { camera: hasCam, mic: hasMic },
    });
    this.self = joined.self;
    this.micAllowed = joined.self.micAllowed;
    this.handRaised = joined.self.handRaised;
    this.can = joined.can ?? NOTHING;
    this.endsAt = joined.endsAt ? Date.parse(joined.endsAt) : null;
    this.expected = joined.expected ?? null;
    this.roster = joined.roster ?? [];
    // The stored chat and questions (a late joiner sees what was said; a rejoin refreshes them).
    if (joined.history) {
      this.chat.splice(0, this.chat.length, ...joined.history.filter((h) => h.kind === 'chat'));
      this.questions.clear();
      for (const h of joined.history) if (h.kind === 'question') this.questions.set(h.id, h);
    }
    this.peers = new Map(joined.peers.map((p) => [p.id, p]));
    this.main = joined.main;
    this.observers = joined.observers ?? 0;
    this.remote.clear();
    this.recv = await this.transport('recv');
    // Receiving does not wait for publishing: the instructor's picture comes as soon as it can.
    const receiving = Promise.all(
      [
        ...joined.producers,
        ...[...this.early.values()].filter((e) => !joined.producers.some((p) => p.id === e.id)),
      ].map((p) => this.consume(p)),
    );
    this.early.clear();
    if (joined.self.role !== 'observer' && (hasCam || hasMic)) {
      this.send = await this.transport('send');
      const simulcast = this.opts.lite
        ? SIMULCAST.other
        : joined.self.role === 'instructor'
          ? SIMULCAST.instructor
          : SIMULCAST.other;
      if (hasCam)
        this.producers.set(
          'camera',
          await this.send.produce({
            track: this.localStream!.getVideoTracks()[0]!,
            encodings: simulcast,
            appData: { source: 'camera' },
          }),
        );
      if (hasMic) {
        const mic = await this.send.produce({
          track: this.localStream!.getAudioTracks()[0]!,
          appData: { source: 'mic' },
          stopTracks: false,
        });
        // TM-2: a trainee's microphone starts paused on the server until the instructor allows speaking.
        if (this.pausedByServer.delete(mic.id)) mic.pause();
        this.producers.set('mic', mic);
      }
    }
    await receiving;
    this.state = 'joined';
    this.joinedAt.push(Date.now());
    this.opts.onChange();
    this.reportTimer ??= setInterval(() => void this.report(), 5000);
    this.levelTimer ??= setInterval(() => void this.levels(), 1000);
  }

  /** Which box each remote video is shown in (set by the page) for layer selection. */
  viewWidth: (consumerId: string) => number | undefined = () => undefined;
  private reportTimer: ReturnType<typeof setInterval> | null = null;

  /** Who is speaking: the level of each received voice, once a second. */
  private async levels() {
    if (this.state !== 'joined') return;
    const now = new Set<string>();
    for (const r of this.remote.values()) {
      if (r.consumer.kind !== 'audio' || r.consumer.closed) continue;
      let level = 0;
      try {
        (await r.consumer.getStats()).forEach((s: { type: string; audioLevel?: number }) => {
          if (s.type === 'inbound-rtp') level = Math.max(level, s.audioLevel ?? 0);
        });
      } catch {
        continue;
      }
      if (level > 0.02) now.add(r.peerId);
    }
    const changed = now.size !== this.speaking.size || [...now].some((id) => !this.speaking.has(id));
    this.speaking = now;
    if (changed) this.opts.onChange();
  }

  /** Tells the SFU the downlink and the video sizes, so it sends each video's fitting simulcast layer. */
  private async report() {
    if (this.state !== 'joined' || !this.recv) return;
    let bitrateKbps: number | undefined;
    const recv = { packets: 0, lost: 0 };
    (await this.recv.getStats()).forEach(
      (s: {
        type: string;
        nominated?: boolean;
        availableIncomingBitrate?: number;
        packetsReceived?: number;
        packetsLost?: number;
      }) => {
        if (s.type === 'candidate-pair' && s.nominated && s.availableIncomingBitrate)
          bitrateKbps = s.availableIncomingBitrate / 1000;
        if (s.type === 'inbound-rtp') {
          recv.packets += s.packetsReceived ?? 0;
          recv.lost += s.packetsLost ?? 0;
        }
      },
    );
    // The quality indicator: loss over the last few seconds, and the downlink the browser measures.
    const packets = recv.packets - this.lastRecv.packets;
    const lost = Math.max(0, recv.lost - this.lastRecv.lost);
    this.lastRecv = recv;
    const loss = packets + lost > 0 ? lost / (packets + lost) : 0;
    this.quality =
      loss > 0.08 || (bitrateKbps !== undefined && bitrateKbps < 150)
        ? 'poor'
        : loss > 0.02 || (bitrateKbps !== undefined && bitrateKbps < 500)
          ? 'fair'
          : 'good';
    this.opts.onChange();
    const views: Record<string, number> = {};
    for (const [id, r] of this.remote) if (r.consumer.kind === 'video') views[id] = this.viewWidth(id) ?? 0;
    await this.request('stats.report', { ...(bitrateKbps !== undefined && { bitrateKbps }), views }).catch(
      () => undefined,
    );
  }

  private async transport(direction: 'send' | 'recv'): Promise<ms.Transport> {
    const info = (await this.request('transport.create', { direction })) as ms.TransportOptions;
    const t =
      direction === 'send' ? this.device!.createSendTransport(info) : this.device!.createRecvTransport(info);
    t.on('connect', ({ dtlsParameters }, ok, fail) =>
      this.request('transport.connect', { transportId: t.id, dtlsParameters }).then(() => ok(), fail),
    );
    if (direction === 'send')
      t.on('produce', ({ kind, rtpParameters, appData }, ok, fail) =>
        this.request('produce', {
          transportId: t.id,
          kind,
          rtpParameters,
          source: (appData as { source: MediaSource }).source,
        }).then(({ id, paused }) => {
          if (paused) this.pausedByServer.add(id);
          ok({ id });
        }, fail),
      );
    t.on('connectionstatechange', (state) => {
      if (state === 'failed')
        this.request('transport.restartIce', { transportId: t.id }).then(
          ({ iceParameters }) => t.restartIce({ iceParameters: iceParameters as ms.IceParameters }),
          () => undefined,
        );
    });
    return t;
  }

  private async consume(p: ProducerInfo) {
    if (!this.recv) {
      // Announced while (re)joining, before the receive transport exists: consumed once it does.
      this.early.set(p.id, p);
      return;
    }
    if (this.opts.receive && !this.opts.receive(p, this.peers.get(p.peerId))) return;
    if (this.consuming.has(p.id) || [...this.remote.values()].some((r) => r.consumer.producerId === p.id))
      return;
    // The join's producer list and a 'producer.new' may name the same producer at once.
    this.consuming.add(p.id);
    try {
      const info = await this.request('consume', { producerId: p.id });
      const consumer = await this.recv.consume({
        id: info.id,
        producerId: info.producerId,
        kind: info.kind,
        rtpParameters: info.rtpParameters as ms.RtpParameters,
      });
      this.remote.set(consumer.id, { consumer, peerId: info.peerId, source: info.source });
      await this.request('consumer.resume', { consumerId: consumer.id });
      this.opts.onChange();
    } catch (e) {
      console.warn('consume failed', p.id, e);
    } finally {
      this.consuming.delete(p.id);
    }
  }

  private teardownTransports() {
    this.send?.close();
    this.recv?.close();
    this.send = null;
    this.recv = null;
    this.producers.clear();
    for (const r of this.remote.values()) r.consumer.close();
    this.remote.clear();
  }

  async setMic(on: boolean) {
    const mic = this.producers.get('mic');
    if (!mic) return;
    await this.request(on ? 'producer.resume' : 'producer.pause', { producerId: mic.id });
    if (on) mic.resume();
    else mic.pause();
    this.opts.onChange();
  }

  /** The camera's size and rate: small in data-saver mode, 720p for the instructor, 360p otherwise. */
  private videoConstraints(): MediaTrackConstraints {
    const size = this.opts.lite
      ? { width: { ideal: 320 }, height: { ideal: 180 } }
      : this.role === 'instructor'
        ? { width: { ideal: 1280 }, height: { ideal: 720 } }
        : { width: { ideal: 640 }, height: { ideal: 360 } };
    return { ...size, frameRate: { ideal: this.opts.lite ? 15 : 25 } };
  }

  /** Turns the camera off (the server logs it: attendance stops counting, JS-8) or on again. */
  async setCamera(on: boolean): Promise<void> {
    const cam = this.producers.get('camera');
    if (!on && cam) {
      this.producers.delete('camera');
      cam.close();
      await this.request('producer.close', { producerId: cam.id });
    } else if (on && !cam && this.send) {
      const [track] = (
        await navigator.mediaDevices.getUserMedia({ video: this.videoConstraints() })
      ).getVideoTracks();
      const lite = this.opts.lite || this.role !== 'instructor';
      this.producers.set(
        'camera',
        await this.send.produce({
          track: track!,
          encodings: lite ? SIMULCAST.other : SIMULCAST.instructor,
          appData: { source: 'camera' },
        }),
      );
    }
    this.opts.onChange();
  }

  async shareScreen(): Promise<void> {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
    const track = stream.getVideoTracks()[0]!;
    // Stopped from the browser's own "stop sharing" bar: the screen producer goes too.
    track.addEventListener('ended', () => void this.stopScreen());
    this.producers.set('screen', await this.send!.produce({ track, appData: { source: 'screen' } }));
    this.opts.onChange();
  }

  /** Ends the screen share: the producer closes here and on the server (the recording notices). */
  async stopScreen(): Promise<void> {
    const screen = this.producers.get('screen');
    if (!screen) return;
    this.producers.delete('screen');
    screen.close();
    screen.track?.stop();
    await this.request('producer.close', { producerId: screen.id }).catch(() => undefined);
    this.opts.onChange();
  }

  /** Per remote stream: decoded frames, packets and bytes received, audio energy (tests, quality indicator). */
  async stats(): Promise<
    Array<{
      peerId: string;
      source: MediaSource;
      kind: string;
      framesDecoded: number;
      packetsReceived: number;
      bytesReceived: number;
      packetsLost: number;
      jitter: number;
      totalAudioEnergy: number;
    }>
  > {
    const out = [];
    for (const r of this.remote.values()) {
      const sum = { framesDecoded: 0, packetsReceived: 0, bytesReceived: 0, packetsLost: 0, jitter: 0 };
      let totalAudioEnergy = 0;
      (await r.consumer.getStats()).forEach(
        (s: {
          type: string;
          framesDecoded?: number;
          packetsReceived?: number;
          bytesReceived?: number;
          packetsLost?: number;
          jitter?: number;
          totalAudioEnergy?: number;
        }) => {
          if (s.type !== 'inbound-rtp') return;
          sum.framesDecoded += s.framesDecoded ?? 0;
          sum.packetsReceived += s.packetsReceived ?? 0;
          sum.bytesReceived += s.bytesReceived ?? 0;
          sum.packetsLost += s.packetsLost ?? 0;
          sum.jitter = Math.max(sum.jitter, s.jitter ?? 0);
          totalAudioEnergy += s.totalAudioEnergy ?? 0;
        },
      );
      out.push({ peerId: r.peerId, source: r.source, kind: r.consumer.kind, ...sum, totalAudioEnergy });
    }
    return out;
  }
}
