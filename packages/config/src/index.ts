import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Every setting the platform reads, validated once at start. Nothing else reads process.env.
 * The README's configuration table is generated from the same descriptions (keep them short).
 */
export const ConfigSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], {
    default: 'development',
    description: 'Runtime mode; production refuses the built-in development secrets.',
  }),
  DATABASE_URL: Type.String({
    default: 'postgres://postgres@127.0.0.1:5432/seafarer',
    description: 'PostgreSQL connection string.',
  }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379/0', description: 'Redis connection string.' }),
  API_HOST: Type.String({ default: '127.0.0.1', description: 'Interface the API listens on.' }),
  API_PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535, description: 'API HTTP port.' }),
  LIVE_PORT: Type.Integer({
    default: 3100,
    minimum: 0,
    maximum: 65535,
    description: 'Live service (signaling) port.',
  }),
  WORKER_HEALTH_PORT: Type.Integer({
    default: 3200,
    minimum: 0,
    maximum: 65535,
    description: 'Worker health endpoint port.',
  }),
  PUBLIC_BASE_URL: Type.String({
    default: 'http://127.0.0.1:3000',
    description: 'Public URL of the API (links, CORS default).',
  }),
  CORS_ORIGINS: Type.String({
    default: '',
    description: 'Comma-separated allowed browser origins; empty means same origin only.',
  }),
  JWT_SECRET: Type.String({
    minLength: 32,
    default: 'dev-only-secret-change-me-0123456789abcdef',
    description:
      'Master secret (>= 32 chars): access tokens, join grants and replay links are each signed with their own key derived from it (HKDF-SHA256, one label each).',
  }),
  PII_KEY: Type.String({
    pattern: '^[0-9a-fA-F]{64}$',
    default: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
    description: 'AES-256 key (64 hex) encrypting ID numbers and phones at rest.',
  }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({
    default: 900,
    minimum: 30,
    description: 'Access-token lifetime in seconds.',
  }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({
    default: 7 * 24 * 3600,
    minimum: 60,
    description: 'Refresh-token (session) lifetime in seconds.',
  }),
  LOGIN_MAX_FAILURES: Type.Integer({
    default: 5,
    minimum: 1,
    description: 'Failed logins in a row before the account locks.',
  }),
  LOGIN_LOCK_MINUTES: Type.Integer({
    default: 15,
    minimum: 1,
    description: 'How long a locked account stays locked.',
  }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({
    default: 600,
    minimum: 1,
    description: 'Requests per minute per client IP (Redis-backed; without Redis, not limited).',
  }),
  LOGIN_RATE_LIMIT_PER_MINUTE: Type.Integer({
    default: 30,
    minimum: 1,
    description: 'Login attempts per minute per client IP (without Redis, sign-in refuses with 503).',
  }),
  BODY_LIMIT_BYTES: Type.Integer({
    default: 1_048_576,
    minimum: 1024,
    description: 'Largest accepted JSON body in bytes.',
  }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', description: 'pino log level.' },
  ),
  STORAGE_DIR: Type.String({
    default: './storage',
    description: 'Local directory for recordings and evidence when S3 is not configured.',
  }),
  QUEUE_PREFIX: Type.String({
    default: 'seafarer',
    pattern: '^[a-zA-Z0-9:_-]{1,60}$',
    description: 'Redis key prefix of the BullMQ job queue and the room → node map.',
  }),
  SMTP_URL: Type.String({
    default: '',
    description: 'SMTP server for outbound e-mail (smtp://user:pass@host:port); empty sends no e-mail.',
  }),
  SMTP_FROM: Type.String({
    default: 'noreply@seafarer.invalid',
    description: 'Sender address of outbound e-mail.',
  }),
  WEBHOOK_URL: Type.String({
    default: '',
    description: 'URL that receives signed notification webhooks; empty sends none.',
  }),
  WEBHOOK_SECRET: Type.String({
    default: '',
    description: 'HMAC-SHA256 key signing outbound webhooks (required with WEBHOOK_URL).',
  }),
  FACE_MATCH_URL: Type.String({
    default: '',
    description: 'Face-match provider endpoint; empty means manual review only.',
  }),
  FACE_MATCH_SECRET: Type.String({
    default: '',
    description: 'HMAC-SHA256 key signing face-match requests (required with FACE_MATCH_URL).',
  }),
  LIVE_PUBLIC_URL: Type.String({
    default: 'http://127.0.0.1:3100',
    description: 'URL browsers use to reach the live service (socket.io signaling).',
  }),
  LIVE_NODE_ID: Type.String({
    default: '',
    pattern: '^[a-zA-Z0-9._:-]{0,100}$',
    description: "This live node's name in the room → node map; empty means hostname:LIVE_PORT.",
  }),
  LIVE_NODE_TTL_SECONDS: Type.Integer({
    default: 15,
    minimum: 1,
    maximum: 300,
    description: 'A live node silent this long is dead and its rooms move (heartbeat every third of it).',
  }),
  LIVE_NODE_ORIGINS: Type.String({
    default: '',
    description:
      "Comma-separated origins of every live node (pages' CSP, join grants); empty means LIVE_PUBLIC_URL's.",
  }),
  LIVE_LISTEN_IP: Type.String({
    default: '127.0.0.1',
    description: 'IP the SFU binds WebRTC and plain RTP to.',
  }),
  LIVE_ANNOUNCED_IP: Type.String({
    default: '',
    description: 'Public IP announced in ICE candidates (behind NAT); empty uses LIVE_LISTEN_IP.',
  }),
  RTC_MIN_PORT: Type.Integer({
    default: 40000,
    minimum: 1024,
    maximum: 65535,
    description: 'Lowest UDP/TCP port for media.',
  }),
  RTC_MAX_PORT: Type.Integer({
    default: 49999,
    minimum: 1024,
    maximum: 65535,
    description: 'Highest UDP/TCP port for media.',
  }),
  REC_MIN_PORT: Type.Integer({
    default: 50000,
    minimum: 1024,
    maximum: 65535,
    description: 'Lowest local UDP port for recording (ffmpeg).',
  }),
  REC_MAX_PORT: Type.Integer({
    default: 59999,
    minimum: 1024,
    maximum: 65535,
    description: 'Highest local UDP port for recording (ffmpeg).',
  }),
  LIVE_WORKERS: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 64,
    description: 'mediasoup workers; 0 means one per CPU core.',
  }),
  LIVE_ROUTER_MAX_PEERS: Type.Integer({
    default: 150,
    minimum: 0,
    maximum: 10_000,
    description:
      'Participants on one mediasoup router before a class opens another router on the next worker and pipes streams between them (0: never split).',
  }),
  MEDIASOUP_WORKER_BIN: Type.String({
    default: '',
    description: 'Path of the locally built mediasoup-worker binary.',
  }),
});

export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Parses and validates settings from an env-like record (defaults filled in, numbers coerced). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw));
  const errors = [...Value.Errors(ConfigSchema, withDefaults)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.path.slice(1)}: ${e.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const config = withDefaults as Config;
  if (config.NODE_ENV === 'production') {
    const defaults = Value.Default(ConfigSchema, {}) as Config;
    if (config.JWT_SECRET === defaults.JWT_SECRET || config.PII_KEY === defaults.PII_KEY) {
      throw new ConfigError('Invalid configuration: production needs its own JWT_SECRET and PII_KEY');
    }
  }
  return config;
}

/** The origins of every live node: where pages may connect and join grants may point. */
export function liveNodeOrigins(config: Pick<Config, 'LIVE_NODE_ORIGINS' | 'LIVE_PUBLIC_URL'>): string[] {
  const listed = config.LIVE_NODE_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const from = listed.length > 0 ? 'LIVE_NODE_ORIGINS' : 'LIVE_PUBLIC_URL';
  return (listed.length > 0 ? listed : [config.LIVE_PUBLIC_URL]).map((u) => {
    try {
      return new URL(u).origin;
    } catch {
      throw new ConfigError(`Invalid configuration: ${from}: ${JSON.stringify(u)} is not a URL`);
    }
  });
}

/** Rows for the README's configuration table: name, default, description. */
export function describeConfig(): Array<{ name: string; default: unknown; description: string }> {
  return Object.entries(ConfigSchema.properties).map(([name, schema]) => ({
    name,
    default: (schema as { default?: unknown }).default,
    description: (schema as { description?: string }).description ?? '',
  }));
}
