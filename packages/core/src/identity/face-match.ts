import { SIGNATURE_HEADER, signBody } from '../shared/hmac';

export interface FaceMatchResult {
  /** 0..1 similarity, or null when no automated score is available. */
  score: number | null;
  note: string | null;
}

/** JS-13.1: an automated face-match hook that may pre-score a verification; a person still decides. */
export interface FaceMatchProvider {
  name: string;
  score(input: { idPhoto: Uint8Array; still: Uint8Array; requestId: string }): Promise<FaceMatchResult>;
}

/** The default: no automated score; the class manager compares the pictures. */
export const manualReview: FaceMatchProvider = {
  name: 'manual',
  score: async () => ({ score: null, note: null }),
};

/**
 * Calls a configured URL with both images. The body is signed: header
 * `x-seafarer-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, so the provider can
 * reject forged or replayed requests. Any failure leaves the verification for manual review.
 */
export function httpFaceMatch(url: string, secret: string, timeoutMs = 5000): FaceMatchProvider {
  return {
    name: 'http',
    async score({ idPhoto, still, requestId }) {
      const body = JSON.stringify({
        requestId,
        idPhoto: Buffer.from(idPhoto).toString('base64'),
        still: Buffer.from(still).toString('base64'),
      });
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(secret, body) },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!res.ok) return { score: null, note: `provider answered ${res.status}` };
        const data = (await res.json()) as { score?: unknown; note?: unknown };
        const score =
          typeof data.score === 'number' && data.score >= 0 && data.score <= 1 ? data.score : null;
        return { score, note: typeof data.note === 'string' ? data.note.slice(0, 500) : null };
      } catch (e) {
        return { score: null, note: `provider unavailable: ${(e as Error).name}` };
      }
    },
  };
}
