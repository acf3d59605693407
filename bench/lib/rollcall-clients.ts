/**
 * The trainees of `npm run bench:rollcall`, in a process of their own (forked by bench/rollcall.ts):
 * N socket.io clients admitted with the grants they are given and joined to the room, each answering
 * the roll-call's challenge as soon as it arrives; and N plain `ws` clients of the reference broadcast.
 * Receipt times (this machine's clock, shared with the server process) go back over IPC.
 */
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

interface Start {
  type: 'start';
  liveUrl: string;
  grants: string[];
  wsUrl: string;
}

const sockets: Socket[] = [];
const plain: WebSocket[] = [];
const challenges: number[] = [];
const answers = { acked: 0, refused: 0, codes: {} as Record<string, number> };
const wsReceipts: Record<string, number[]> = {};

const send = (m: unknown) => process.send?.(m);

async function connectOne(url: string, grant: string): Promise<void> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { grant } });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('admission timed out')), 60_000);
    socket.once('admission.ready', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('admission.refused', (e: { code: string }) => reject(new Error(e.code)));
    socket.once('connect_error', (e) => reject(e));
  });
  await new Promise<void>((resolve, reject) =>
    socket.emit(
      'room.join',
      { rtpCapabilities: {}, device: { camera: false, mic: false } },
      (ack: { ok: boolean; error?: { code: string } }) =>
        ack.ok ? resolve() : reject(new Error(ack.error?.code)),
    ),
  );
  socket.on('rollcall.challenge', (d: { rollCallId: string }) => {
    challenges.push(Date.now());
    // 500 devices in one process: one's answer must not delay the next one's receipt (it would on
    // separate devices neither), so the answer goes once this turn of received messages is done.
    setImmediate(() =>
      socket.emit(
        'rollcall.answer',
        { rollCallId: d.rollCallId },
        (ack: { ok: boolean; error?: { code: string } }) => {
          if (ack.ok) answers.acked++;
          else {
            answers.refused++;
            const code = ack.error?.code ?? '?';
            answers.codes[code] = (answers.codes[code] ?? 0) + 1;
          }
        },
      ),
    );
  });
}

async function start(m: Start) {
  const queue = [...m.grants];
  const failures: string[] = [];
  const worker = async () => {
    for (let g = queue.shift(); g; g = queue.shift())
      await connectOne(m.liveUrl, g).catch((e: Error) => failures.push(e.message));
  };
  await Promise.all(Array.from({ length: 25 }, worker));
  for (let i = 0; i < m.grants.length; i++) {
    const ws = new WebSocket(m.wsUrl);
    ws.on('message', (d: Buffer) => {
      const at = Date.now();
      const { tag } = JSON.parse(d.toString()) as { tag: string };
      (wsReceipts[tag] ??= []).push(at);
    });
    plain.push(ws);
    await new Promise<void>((resolve) => ws.once('open', () => resolve()));
  }
  send({ type: 'ready', sockets: sockets.filter((s) => s.connected).length, failures: failures.slice(0, 5) });
}

process.on('message', (m: Start | { type: 'report' } | { type: 'close' }) => {
  if (m.type === 'start') void start(m);
  else if (m.type === 'report') send({ type: 'report', challenges: [...challenges], answers, wsReceipts });
  else if (m.type === 'close') {
    for (const s of sockets) s.close();
    for (const w of plain) w.close();
    setTimeout(() => process.exit(0), 200);
  }
});
