import { Type } from '@sinclair/typebox';

/** Bytes, or a stream of them (structurally, so the browser build needs no Node types). */
type FileBytes = Uint8Array | { pipe: (...args: never[]) => unknown };

/**
 * The answer of a route whose body is a file (a spreadsheet, an image, a video, probe bytes), not
 * JSON. Declared so every route documents its answer; fastify sends bytes and streams as they are.
 */
export const FileBody = (description: string) =>
  Type.Unsafe<FileBytes>({ type: 'string', format: 'binary', description });

/**
 * An answer without a body (e.g. 416 for a byte range outside the file). Typed `unknown`: fastify
 * makes `send()`'s payload optional only then (a chained `status().header()` loses the status).
 */
export const NoBody = (description: string) => Type.Unsafe<unknown>({ description });
