import { crc32, inflateRawSync } from 'node:zlib';

/**
 * SEC-2: a zip archive (an .xlsx) unpacked without believing it. The sizes the archive declares are
 * only an upper bound we hold it to: every entry is inflated here with its declared size as the output
 * limit, so an entry that claims 1,000 bytes and inflates to 480 MB stops after 1,000 bytes, and the
 * declared sizes together may not exceed `maxBytes`. What comes out is exactly what the bytes hold.
 */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

export type UnzipResult =
  | { ok: true; entries: ZipEntry[]; totalBytes: number }
  | {
      ok: false;
      /** NOT_A_ZIP: unreadable, damaged, or its sizes/checksums lie. TOO_LARGE: over the limits. */
      reason: 'NOT_A_ZIP' | 'TOO_LARGE';
    };

export interface UnzipLimits {
  /** Sum of the inflated sizes of all entries. */
  maxBytes: number;
  maxEntries: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

const notAZip = { ok: false, reason: 'NOT_A_ZIP' } as const;
const tooLarge = { ok: false, reason: 'TOO_LARGE' } as const;

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function findEndOfCentralDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let i = view.byteLength - 22; i >= lowest; i -= 1) if (view.getUint32(i, true) === EOCD) return i;
  return -1;
}

function readCentralDirectory(
  data: Uint8Array,
  view: DataView,
  limits: UnzipLimits,
): CentralEntry[] | typeof notAZip | typeof tooLarge {
  const eocd = findEndOfCentralDirectory(view);
  if (eocd < 0) return notAZip;
  // Zip64 (an archive over 4 GB or 65,535 entries) is never a roster: too large by definition.
  if (eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR) return tooLarge;
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) return notAZip; // multi-disk
  const count = view.getUint16(eocd + 10, true);
  const offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === 0xffffffff) return tooLarge;
  if (count > limits.maxEntries) return tooLarge;

  const entries: CentralEntry[] = [];
  let declared = 0;
  let at = offset;
  for (let n = 0; n < count; n += 1) {
    if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL) return notAZip;
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const end = at + 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (end > eocd) return notAZip;
    const entry: CentralEntry = {
      // Bit 11: the name is UTF-8; otherwise IBM code page 437, of which .xlsx part names use only ASCII.
      name: Buffer.from(data.subarray(at + 46, at + 46 + nameLength)).toString(
        flags & 0x800 ? 'utf8' : 'latin1',
      ),
      flags,
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    };
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff) return tooLarge;
    declared += entry.size;
    if (declared > limits.maxBytes) return tooLarge;
    entries.push(entry);
    at = end;
  }
  return entries;
}

/** The entry's bytes, inflated no further than it declared; undefined when they are not what it says. */
function inflateEntry(data: Uint8Array, view: DataView, entry: CentralEntry): Buffer | undefined {
  const at = entry.localOffset;
  if (at + 30 > data.length || view.getUint32(at, true) !== LOCAL) return undefined;
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > data.length) return undefined;
  if (entry.flags & 0x1) return undefined; // encrypted: Excel never writes these
  const raw = data.subarray(start, end);
  let out: Buffer;
  if (entry.method === 0) out = Buffer.from(raw);
  else if (entry.method === 8) {
    try {
      // Stops inflating (ERR_BUFFER_TOO_LARGE) as soon as the output would pass the declared size.
      out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    } catch {
      return undefined; // damaged, or more bytes than declared: a lying archive
    }
  } else return undefined; // other compression methods are not used by spreadsheets
  if (out.length !== entry.size || crc32(out) >>> 0 !== entry.crc >>> 0) return undefined;
  return out;
}

export function boundedUnzip(data: Uint8Array, limits: UnzipLimits): UnzipResult {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const central = readCentralDirectory(data, view, limits);
  if (!Array.isArray(central)) return central;
  const entries: ZipEntry[] = [];
  let totalBytes = 0;
  for (const entry of central) {
    const out = inflateEntry(data, view, entry);
    if (!out) return notAZip;
    totalBytes += out.length;
    // Cannot trigger while each entry holds to its declared size, which readCentralDirectory bounded;
    // kept so that the bound never rests on one check.
    if (totalBytes > limits.maxBytes) return tooLarge;
    if (entry.name.endsWith('/') && out.length === 0) continue; // a directory
    entries.push({ name: entry.name, data: out });
  }
  return { ok: true, entries, totalBytes };
}

/**
 * A fresh, uncompressed (stored) zip of `entries`: what a zip reader that inflates by itself (JSZip in
 * exceljs) is handed, so that it reads only bytes whose size is already known.
 */
export function storedZip(entries: readonly ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...centrals, end]);
}

/**
 * Rows (`<row …>`) and cells (`<c …>`) an OOXML part holds, counted on the bytes without parsing them.
 * Prefixed names (`<x:c>`) are not counted: exceljs does not read them either.
 */
export function countSheetMarkup(xml: Uint8Array): { rows: number; cells: number } {
  const LT = 0x3c;
  const isEnd = (b: number | undefined) =>
    b === 0x20 || b === 0x3e || b === 0x2f || b === 0x09 || b === 0x0a || b === 0x0d;
  let rows = 0;
  let cells = 0;
  const last = xml.length - 4;
  for (let i = 0; i < last; i += 1) {
    if (xml[i] !== LT) continue;
    if (xml[i + 1] === 0x63 /* c */ && isEnd(xml[i + 2])) cells += 1;
    else if (xml[i + 1] === 0x72 && xml[i + 2] === 0x6f && xml[i + 3] === 0x77 && isEnd(xml[i + 4]))
      rows += 1;
  }
  return { rows, cells };
}
