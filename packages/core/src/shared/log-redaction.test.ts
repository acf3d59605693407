import { redactUrl } from './log-redaction';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('log redaction', () => {
  it('[SEC-3] [TM-4] a replay link, a ?token= value and a JWT anywhere in a URL are replaced', () => {
    expect(redactUrl('/replay/abc.def.123.xyz.0.sig?download=1')).toBe('/replay/[redacted]?download=1');
    expect(redactUrl('/api/v1/x?token=s3cret&limit=5')).toBe('/api/v1/x?token=[redacted]&limit=5');
    expect(redactUrl('/api/v1/x?access_token=a&refreshToken=b&grant=c')).toBe(
      '/api/v1/x?access_token=[redacted]&refreshToken=[redacted]&grant=[redacted]',
    );
    expect(redactUrl(`/socket.io/?EIO=4&auth=${jwt}`)).toBe('/socket.io/?EIO=4&auth=[redacted]');
    expect(redactUrl(`/a/${jwt}/b`)).toBe('/a/[redacted]/b');
  });

  it('[SEC-3] ordinary URLs are left as they are', () => {
    expect(redactUrl('/api/v1/classes/1f0c/sessions/9ab?limit=20')).toBe(
      '/api/v1/classes/1f0c/sessions/9ab?limit=20',
    );
    expect(redactUrl('/app/replay.html?class=a&session=b')).toBe('/app/replay.html?class=a&session=b');
  });
});
