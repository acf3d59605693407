import type { LocalizedText } from '@seafarer/contracts';

/** One thing wrong with one value, coded for programs and worded (zh-CN first, then English) for people. */
export interface Problem<C extends string = string> extends LocalizedText {
  code: C;
}

export const problem = <C extends string>(code: C, zh: string, en: string): Problem<C> => ({ code, zh, en });
