import { admissionHandlers } from './admission';
import type { HandlerModule } from './context';
import { hostControlHandlers } from './host-controls';
import { interactionHandlers } from './interaction';
import { mediaHandlers } from './media';
import { rollCallHandlers } from './rollcall';
import { spotCheckHandlers } from './spotcheck';
import { quizHandlers } from './quiz';
import { proctoringHandlers } from './proctoring';

/**
 * Every concern's socket handlers, registered for each admitted peer in this order. A new concern
 * (roll-call, quiz) is one more file next to these, exporting a HandlerModule, listed here.
 */
export const HANDLER_MODULES: readonly HandlerModule[] = [
  admissionHandlers,
  mediaHandlers,
  interactionHandlers,
  hostControlHandlers,
  rollCallHandlers,
  spotCheckHandlers,
  quizHandlers,
  proctoringHandlers,
];
export type { HandlerModule, LiveServices, PeerScope } from './context';
