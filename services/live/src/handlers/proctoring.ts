import type { HandlerModule } from './context';

/**
 * JS-7.3: proctoring of an exam's live session. A candidate joins the exam's room as a trainee with the
 * camera on (the ordinary admission and media requests); the stills at random times and the camera
 * check are the node's timer (room/proctoring.ts), never a request a client can make or see; the page's
 * events (tab hidden, blur, full-screen exit, paste) go to the API as flags. No socket request here.
 */
export const proctoringHandlers: HandlerModule = () => {};
