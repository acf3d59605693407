import { createHmac } from 'node:crypto';

/**
 * The one signature format of outbound requests (webhooks, face-match):
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The timestamp lets receivers refuse replays.
 */
export function signBody(secret: string, body: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}
export const SIGNATURE_HEADER = 'x-seafarer-signature';
