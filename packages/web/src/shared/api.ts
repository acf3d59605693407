// The API as every page uses it: the typed client of packages/sdk, with the session's tokens kept in
// sessionStorage, an expired access token traded once for a new pair, and the way back to sign-in when
// the session cannot be recovered. Every API error is { code, message: { zh, en }, requestId, details? }.
import { ApiError, createClient, type Download } from '@seafarer/sdk';
import type { ActorView, Role, TokenPair } from '@seafarer/contracts';
import { saveBlob } from './dom';

export { ApiError };

export const getToken = (): string | null => sessionStorage.getItem('accessToken');

/** Stores a TokenPair from /auth/login or /auth/refresh. */
export function saveTokens(pair: Pick<TokenPair, 'accessToken'> & { refreshToken?: string }): void {
  sessionStorage.setItem('accessToken', pair.accessToken);
  if (pair.refreshToken) sessionStorage.setItem('refreshToken', pair.refreshToken);
}

export function clearTokens(): void {
  sessionStorage.removeItem('accessToken');
  sessionStorage.removeItem('refreshToken');
}

/** Called when the session cannot be recovered; a page may replace it (sign-in shows its form). */
let onSignedOut = (): void => {
  clearTokens();
  location.href = './index.html';
};
export const setOnSignedOut = (fn: () => void): void => {
  onSignedOut = fn;
};

let refreshing: Promise<boolean> | null = null;
/** Access tokens live 15 minutes: trade the refresh token for a new pair once, shared by concurrent calls. */
function refresh(): Promise<boolean> {
  const rt = sessionStorage.getItem('refreshToken');
  if (!rt) return Promise.resolve(false);
  refreshing ??= fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: rt }),
  })
    .then(async (res) => {
      if (!res.ok) return false;
      saveTokens((await res.json()) as TokenPair);
      return true;
    })
    .catch(() => false)
    .finally(() => setTimeout(() => (refreshing = null), 0));
  return refreshing;
}

const AUTH_CODES = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID', 'SESSION_ENDED', 'UNAUTHENTICATED']);

/**
 * fetch for the client: no HTTP cache, a network failure as a coded error, and a 401 for an expired
 * token retried once with a renewed one (any other lost session sends the user to sign-in).
 */
async function pageFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const go = (): Promise<Response> =>
    fetch(input, { ...init, cache: 'no-store' }).catch(() => {
      throw new ApiError(0, {
        code: 'NETWORK',
        message: { zh: '无法连接服务器，请检查网络', en: 'Cannot reach the server; check the network' },
        requestId: '',
      });
    });
  const res = await go();
  const headers = new Headers(init.headers);
  if (res.status !== 401 || !headers.has('authorization')) return res;
  const code = await res
    .clone()
    .json()
    .then((b: { code?: string }) => b.code ?? '')
    .catch(() => '');
  if (!AUTH_CODES.has(code)) return res;
  if (code === 'TOKEN_EXPIRED' && (await refresh())) {
    headers.set('authorization', `Bearer ${getToken() ?? ''}`);
    init = { ...init, headers };
    const again = await go();
    if (again.status !== 401) return again;
  }
  onSignedOut();
  return res;
}

/** The typed API client every page calls through. */
export const api = createClient({ baseUrl: location.origin, token: getToken, fetch: pageFetch });

/** Downloads an authenticated API file under the server's name (or the fallback). */
export async function download(file: Promise<Download>, fallbackName: string): Promise<void> {
  const { blob, filename } = await file;
  saveBlob(blob, filename ?? fallbackName);
}

export type Me = ActorView;

/** Loads the signed-in account, sending the user to sign-in when there is no usable session. */
export async function requireSignIn(
  allowedRoles?: readonly Role[],
): Promise<(Me & { notAllowed?: boolean }) | null> {
  if (!getToken()) {
    onSignedOut();
    return null;
  }
  const me = await api.auth.me();
  if (me.mustChangePassword) {
    location.href = './index.html';
    return null;
  }
  if (allowedRoles && !me.roles.some((r) => allowedRoles.includes(r))) return { ...me, notAllowed: true };
  return me;
}

export async function signOut(): Promise<void> {
  await api.auth.logout().catch(() => undefined);
  clearTokens();
  location.href = './index.html';
}
