import type { ErrorCode } from '@seafarer/contracts';

/**
 * A rule the plan breaks, in the platform's error vocabulary. Flat `{ code, zh, en }` rather than an
 * AppError so one check can return several problems and a form can show them all at once.
 */
export interface Problem<C extends ErrorCode = ErrorCode> {
  code: C;
  zh: string;
  en: string;
}
