import { ERROR_MESSAGES, type ErrorCode, type LocalizedText } from '@seafarer/contracts';

/** The one error type of the domain. Each transport maps it in one place (HTTP, socket ack, job). */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly localized: LocalizedText;
  readonly details?: unknown;

  constructor(code: ErrorCode, opts: { message?: LocalizedText; details?: unknown } = {}) {
    const localized = opts.message ?? ERROR_MESSAGES[code];
    super(`${code}: ${localized.en}`);
    this.name = 'AppError';
    this.code = code;
    this.localized = localized;
    this.details = opts.details;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
