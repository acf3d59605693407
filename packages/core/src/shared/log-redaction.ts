/**
 * SEC-3 / TM-4: credentials never reach a log. Replay links carry their token in the path, some clients
 * put a token in the query string, and a JWT (access token, join grant) may turn up anywhere in a URL;
 * request logs see only `[redacted]` in their place. The pino `redact` paths cover the same credentials
 * as fields of logged objects (headers, bodies, socket handshakes).
 */
export const REDACTED = '[redacted]';

/** Query parameters whose value is a credential. */
const SECRET_PARAMS = /^(token|grant|access_?token|refresh_?token|id_?token|signature)$/i;
/** A JWT: three base64url parts, the first a JSON object ("eyJ"). */
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]+/g;

/** A request URL with its credentials replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  let pathPart = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  // Capability paths: the segment after /replay/ is the signed token itself.
  pathPart = pathPart.replace(/^\/replay\/[^/]+/, `/replay/${REDACTED}`).replace(JWT, REDACTED);
  if (q === -1) return pathPart;
  const redactedQuery = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        /* keep the raw name */
      }
      return eq !== -1 && SECRET_PARAMS.test(decoded) ? `${name}=${REDACTED}` : pair.replace(JWT, REDACTED);
    })
    .join('&');
  return `${pathPart}?${redactedQuery}`;
}

/** Field paths (pino `redact`) that hold credentials wherever a log line carries them. */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'cookie',
  'token',
  'grant',
  'accessToken',
  'refreshToken',
  'binding',
  'password',
  'currentPassword',
  'newPassword',
  '*.token',
  '*.grant',
  '*.accessToken',
  '*.refreshToken',
  '*.binding',
  '*.password',
  'handshake.auth',
  '*.handshake.auth',
  'auth.grant',
];
