/**
 * VC-2 / TM-4: the replay is served as what it really is. Post-processing writes Matroska today
 * (`replay.mkv`: VP8 or H.264 with Opus); a WebM or MP4 file would be named so by its own header.
 * Read from the file's first bytes, not its name, so a change of container cannot be mislabelled.
 */
export interface ReplayContainer {
  contentType: 'video/x-matroska' | 'video/webm' | 'video/mp4' | 'application/octet-stream';
  extension: 'mkv' | 'webm' | 'mp4' | 'bin';
}

const UNKNOWN: ReplayContainer = { contentType: 'application/octet-stream', extension: 'bin' };

/** An EBML variable-length integer at `at`: its value and byte length, or null. */
function readVint(buf: Uint8Array, at: number): { value: number; length: number } | null {
  const first = buf[at];
  if (first === undefined || first === 0) return null;
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  if (length > 8 || at + length > buf.length) return null;
  let value = first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + buf[at + i]!;
  return { value, length };
}

/** The container of a media file from its first bytes (64 are plenty). */
export function replayContainerOf(header: Uint8Array): ReplayContainer {
  const b = header;
  if (b.length >= 12 && String.fromCharCode(b[4]!, b[5]!, b[6]!, b[7]!) === 'ftyp')
    return { contentType: 'video/mp4', extension: 'mp4' };
  if (b.length < 5 || b[0] !== 0x1a || b[1] !== 0x45 || b[2] !== 0xdf || b[3] !== 0xa3) return UNKNOWN;
  // The EBML header's children: find DocType (0x4282) and read its string.
  const size = readVint(b, 4);
  if (!size) return UNKNOWN;
  const end = Math.min(b.length, 4 + size.length + size.value);
  let at = 4 + size.length;
  while (at + 2 < end) {
    const id = (b[at]! << 8) | b[at + 1]!;
    const len = readVint(b, at + 2);
    if (!len) return UNKNOWN;
    const body = at + 2 + len.length;
    if (id === 0x4282) {
      const docType = String.fromCharCode(...b.subarray(body, Math.min(body + len.value, b.length)));
      if (docType === 'webm') return { contentType: 'video/webm', extension: 'webm' };
      if (docType === 'matroska') return { contentType: 'video/x-matroska', extension: 'mkv' };
      return UNKNOWN;
    }
    // EBML header children have two-byte IDs (EBMLVersion 0x4286 … DocTypeReadVersion 0x4285).
    at = body + len.value;
  }
  return UNKNOWN;
}
