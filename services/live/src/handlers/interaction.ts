import {
  decideAnswer,
  decideAsk,
  decideChat,
  decideHand,
  decideLowerHand,
  enforce,
  seesQuestion,
} from '@seafarer/core';
import type { HandlerModule } from './context';

/**
 * JS-7.1: chat, questions and raised hands. Each is acknowledged only once stored (the ack carries
 * the stored row's id); a failed write is an error ack (SERVICE_UNAVAILABLE during an outage, so the
 * client may retry), and nothing is shown to anyone. JS-16: observers neither chat nor ask.
 * SEC-1: each is counted against core's limits (this connection's, and the account's on every
 * connection) before anything is stored; beyond them the ack is RATE_LIMITED with `retryAfterMs`.
 */
export const interactionHandlers: HandlerModule = ({ on, room, peer, rooms, liveLog, limits, socket }) => {
  const ids = { classId: room.classId, sessionId: room.sessionId, accountId: peer.id };
  const who = { socketId: socket.id, accountId: peer.id };

  on('chat.send', async ({ text }) => {
    enforce(decideChat(peer));
    enforce(await limits.check('chat', who));
    const row = await liveLog.recordInteraction({ ...ids, kind: 'chat', text });
    rooms.emitVisible(room, null, 'chat.message', {
      id: row.id,
      peerId: peer.id,
      name: peer.name,
      text,
      at: row.at.toISOString(),
    });
    return { id: row.id };
  });

  on('question.ask', async ({ text }) => {
    enforce(decideAsk(peer));
    enforce(await limits.check('question', who));
    const row = await liveLog.recordInteraction({ ...ids, kind: 'question', text });
    const q = { id: row.id, peerId: peer.id, name: peer.name, text, at: row.at.toISOString() };
    for (const p of room.peers.values()) if (seesQuestion(p, peer)) rooms.emitTo(p, 'question.new', q);
    return { id: row.id };
  });

  on('question.answer', async ({ questionId }) => {
    enforce(decideAnswer(peer));
    const row = await liveLog.answerQuestion(room.sessionId, questionId, peer.id);
    rooms.emitVisible(room, null, 'question.answered', { id: questionId });
    return { id: row.id };
  });

  on('hand.raise', async ({ raised }) => {
    const { store } = enforce(decideHand(peer, raised));
    enforce(await limits.check('hand', who));
    const row = store ? await liveLog.recordInteraction({ ...ids, kind: 'hand' }) : null;
    peer.handRaised = raised;
    rooms.emitVisible(room, peer, 'peer.updated', peer.info());
    return { id: row?.id ?? null };
  });

  on('hand.lower', ({ peerId }) => {
    enforce(decideLowerHand(room, peer, peerId));
    const t = room.peers.get(peerId)!;
    t.handRaised = false;
    // Everyone, the trainee too: their button turns back to "举手 Raise hand".
    rooms.emitVisible(room, null, 'peer.updated', t.info());
  });
};
