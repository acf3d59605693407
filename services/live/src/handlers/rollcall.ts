import { AppError } from '@seafarer/core';
import type { HandlerModule } from './context';

/**
 * JS-13.2 / JS-7.2 / JS-16: roll-calls in the room. The instructor, a class manager or an officer
 * sitting in starts one (core's decideStartRollCall says who); a trainee answers the challenge. The
 * start is acknowledged once stored and the challenge is out; an answer once stored.
 */
export const rollCallHandlers: HandlerModule = ({ on, room, peer, services }) => {
  const runner = () => {
    if (!services.rollCalls) throw new AppError('PRECONDITION_FAILED');
    return services.rollCalls;
  };

  on('rollcall.start', async () => {
    const opened = await runner().start(room, peer);
    if (!opened) throw new AppError('PRECONDITION_FAILED');
    return { rollCallId: opened.id, closesAt: opened.closesAt.toISOString(), windowS: opened.windowS };
  });

  on('rollcall.answer', ({ rollCallId }) => runner().answer(room, peer, rollCallId));
};
