/** A real 1×1 PNG; `variant` appends bytes after IEND so each picture hashes differently. */
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
export const png = (variant = 'a') => Buffer.concat([Buffer.from(PNG_1X1, 'base64'), Buffer.from(variant)]);
/** The start of a JPEG stream (SOI + APP0), enough for the type sniffing. */
export const jpeg = (variant = 'a') =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from(`JFIF${variant}`)]);
