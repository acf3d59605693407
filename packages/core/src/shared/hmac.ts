import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one signature format of outbound requests (webhooks, face-match):
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The timestamp lets receivers refuse replays.
 */
export function signBody(secret: string, body: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}
export const SIGNATURE_HEADER = 'x-seafarer-signature';

/**
 * Checks a signature of that format on a request we receive (a provider's callback): the HMAC of
 * "<t>.<raw body>" under `secret`, compared in constant time, and `t` within `toleranceS` of `now`
 * (an old signed body replayed later is refused).
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined,
  now: Date,
  toleranceS = 300,
): boolean {
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m || !secret) return false;
  const t = Number(m[1]);
  if (Math.abs(now.getTime() / 1000 - t) > toleranceS) return false;
  const want = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(want, Buffer.from(m[2]!, 'hex'));
}
