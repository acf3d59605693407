import { parentPort } from 'node:worker_threads';
import { PARSE_JOBS, type ParseJobKind } from './parse-jobs';

/** SEC-2: the entry of a parse-pool worker thread; one job at a time, answered by id. */
export interface ParseRequest {
  id: number;
  kind: ParseJobKind;
  data: ArrayBuffer;
}
export type ParseReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: string };

const port = parentPort;
if (port) {
  port.on('message', (req: ParseRequest) => {
    const job = PARSE_JOBS[req.kind];
    const reply = (message: ParseReply) => port.postMessage(message);
    if (!job) reply({ type: 'failed', id: req.id, error: `unknown parse job ${String(req.kind)}` });
    else
      job(new Uint8Array(req.data)).then(
        (value) => reply({ type: 'done', id: req.id, value }),
        (e: unknown) => reply({ type: 'failed', id: req.id, error: String(e) }),
      );
  });
  port.postMessage({ type: 'ready' } satisfies ParseReply);
}
