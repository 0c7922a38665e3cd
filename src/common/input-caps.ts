import { inflateRawSync } from 'node:zlib';
import { DomainError } from './domain-error.js';
import { registerMessages } from './messages.js';

registerMessages({
  INPUT_TOO_LARGE: {
    vi: 'Tệp vượt giới hạn xử lý: {reason}.',
    en: 'The file is over the processing limit: {reason}.',
  },
  ARCHIVE_UNREADABLE: {
    vi: 'Không đọc được tệp nén (XLSX/ZIP): {reason}.',
    en: 'The compressed file (XLSX/ZIP) cannot be read: {reason}.',
  },
});

export interface ZipCaps {
  /** Files in the archive. */
  maxEntries: number;
  /** Sum of the files' sizes once decompressed, bytes. */
  maxUncompressedBytes: number;
}

/**
 * An XLSX workbook is a ZIP of XML parts. A file plan of a few thousand lines holds < 2 MB of XML and ~15 parts,
 * so 16 MB and 200 parts leave room; a 103 KB workbook that decompressed into a sheet of a million rows took
 * 242 MB of the server's memory to parse.
 */
export const SPREADSHEET_CAPS: ZipCaps = { maxEntries: 200, maxUncompressedBytes: 16 * 1024 * 1024 };

const tooLarge = (reason: string) => new DomainError('INPUT_TOO_LARGE', 'too-large', { reason });
const unreadable = (reason: string) => new DomainError('ARCHIVE_UNREADABLE', 'bad-request', { reason });

/**
 * Checks a ZIP before any parser opens it: the central directory's entry count, and each entry's real size,
 * inflated with a ceiling (`maxOutputLength`), so a size the directory lies about cannot exhaust memory either.
 * ZIP64, encryption and methods other than stored/deflate are refused (spreadsheet programs do not write them
 * for files this small).
 */
export function checkZip(buf: Buffer, caps: ZipCaps): void {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--)
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw unreadable('no ZIP directory');
  const entries = buf.readUInt16LE(eocd + 10);
  const dirOffset = buf.readUInt32LE(eocd + 16);
  if (entries === 0xffff || dirOffset === 0xffffffff) throw unreadable('ZIP64 archives are not accepted');
  if (entries > caps.maxEntries) throw tooLarge(`${entries} files in the archive (at most ${caps.maxEntries})`);
  let total = 0;
  let p = dirOffset;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw unreadable('damaged ZIP directory');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const declared = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    p += 46 + nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    if (flags & 1) throw unreadable('encrypted entries are not accepted');
    const left = caps.maxUncompressedBytes - total;
    if (declared > left) throw tooLarge(`more than ${caps.maxUncompressedBytes / 1048576} MB once decompressed`);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw unreadable('damaged ZIP entry');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + compressed);
    if (method === 0) total += data.length;
    else if (method === 8) {
      try {
        total += inflateRawSync(data, { maxOutputLength: Math.max(1, left) }).length;
      } catch (e) {
        if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
          throw tooLarge(`more than ${caps.maxUncompressedBytes / 1048576} MB once decompressed`);
        throw unreadable('damaged compressed data');
      }
    } else throw unreadable(`compression method ${method} is not accepted`);
    if (total > caps.maxUncompressedBytes)
      throw tooLarge(`more than ${caps.maxUncompressedBytes / 1048576} MB once decompressed`);
  }
}

/** Lines of a CSV text counted before it is parsed (a quoted line break counts too: the cap errs on the safe side). */
export function checkCsvLines(text: string, maxLines: number): void {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1))
    if (++lines > maxLines) throw tooLarge(`more than ${maxLines} lines`);
}
