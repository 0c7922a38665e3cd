import { createHash } from 'node:crypto';
import type { VerifyProblem } from './archive-transfer.entity.js';
import { readZip, writeZip, type ZipEntry } from './zip.js';

/**
 * BagIt (RFC 8493) packaging of a transfer: bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
 * and the payload under data/. Verification recomputes every checksum and names each file that is wrong.
 */
export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

export function buildBag(payload: ZipEntry[], info: Record<string, string>, createdAt: Date): Buffer {
  const bagit = Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
  const bytes = payload.reduce((s, e) => s + e.data.length, 0);
  const bagInfo = Buffer.from(
    Object.entries({ ...info, 'Payload-Oxum': `${bytes}.${payload.length}` })
      .map(([k, v]) => `${k}: ${v.replace(/\s*\n\s*/g, ' ')}`)
      .join('\n') + '\n',
  );
  const manifest = Buffer.from(payload.map((e) => `${sha256(e.data)}  ${e.name}`).join('\n') + '\n');
  const tags: ZipEntry[] = [
    { name: 'bagit.txt', data: bagit },
    { name: 'bag-info.txt', data: bagInfo },
    { name: 'manifest-sha256.txt', data: manifest },
  ];
  const tagmanifest = Buffer.from(tags.map((t) => `${sha256(t.data)}  ${t.name}`).join('\n') + '\n');
  return writeZip([...tags, { name: 'tagmanifest-sha256.txt', data: tagmanifest }, ...payload], createdAt);
}

function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line.trim());
    if (m) out.set(m[2], m[1].toLowerCase());
  }
  return out;
}

export type SignatureCheck = (pdf: Buffer, path: string) => Promise<{ valid: boolean; reason?: string } | null>;

const DOSSIER_FIELDS = ['Title', 'Maintenance', 'Rights', 'Creator', 'Language', 'StartDate', 'EndDate'] as const;
const DOCUMENT_FIELDS = ['TypeName', 'Subject', 'OrganName', 'Language'] as const;

export interface VerifyResult {
  ok: boolean;
  problems: VerifyProblem[];
  checkedFiles: number;
  /** Signed PDFs whose signatures the signing module checked (0 when it is absent). */
  checkedSignatures: number;
}

export async function verifyBag(zip: Buffer, checkSignature?: SignatureCheck): Promise<VerifyResult> {
  const problems: VerifyProblem[] = [];
  let entries;
  try {
    entries = readZip(zip);
  } catch (e) {
    return {
      ok: false,
      checkedFiles: 0,
      checkedSignatures: 0,
      problems: [{ path: '', code: 'PACKAGE_UNREADABLE', message: (e as Error).message }],
    };
  }
  const files = new Map(entries.map((e) => [e.name, e.data]));
  const add = (path: string, code: string, message: string) => problems.push({ path, code, message });
  if (!/BagIt-Version:/.test(files.get('bagit.txt')?.toString('utf8') ?? ''))
    add('bagit.txt', 'BAGIT_MISSING', 'Thiếu tệp bagit.txt hợp lệ.');
  const manifestBuf = files.get('manifest-sha256.txt');
  if (!manifestBuf) add('manifest-sha256.txt', 'MANIFEST_MISSING', 'Thiếu bảng kê mã băm manifest-sha256.txt.');
  const tagmanifest = parseManifest(files.get('tagmanifest-sha256.txt')?.toString('utf8') ?? '');
  for (const [path, expected] of tagmanifest) {
    const data = files.get(path);
    if (!data) add(path, 'FILE_MISSING', 'Tệp có trong bảng kê nhưng không có trong gói.');
    else if (sha256(data) !== expected)
      add(path, 'CHECKSUM_MISMATCH', 'Mã băm SHA-256 không khớp: tệp đã bị thay đổi.');
  }
  const manifest = parseManifest(manifestBuf?.toString('utf8') ?? '');
  let checked = 0;
  for (const [path, expected] of manifest) {
    const data = files.get(path);
    checked++;
    if (!data) add(path, 'FILE_MISSING', 'Tệp có trong bảng kê nhưng không có trong gói.');
    else if (sha256(data) !== expected)
      add(path, 'CHECKSUM_MISMATCH', 'Mã băm SHA-256 không khớp: tệp đã bị thay đổi.');
  }
  for (const name of files.keys())
    if (name.startsWith('data/') && !manifest.has(name))
      add(name, 'FILE_UNLISTED', 'Tệp không có trong bảng kê mã băm.');
  for (const [name, data] of files) {
    if (!/^data\/[^/]+\/metadata\.json$/.test(name)) continue;
    let meta: { dossier?: Record<string, unknown>; documents?: Record<string, unknown>[] };
    try {
      meta = JSON.parse(data.toString('utf8'));
    } catch {
      add(name, 'METADATA_UNREADABLE', 'Không đọc được tệp đặc tả JSON.');
      continue;
    }
    const d = meta.dossier ?? {};
    const fc = (d.FileCode ?? {}) as Record<string, unknown>;
    const missing = [
      ...(['OrganId', 'FileCatalog', 'FileNotation'] as const).filter((k) => !fc[k]).map((k) => `FileCode.${k}`),
      ...DOSSIER_FIELDS.filter((k) => !d[k]),
    ];
    if (!Number.isInteger(d.DocTotal) || d.DocTotal !== (meta.documents ?? []).length) missing.push('DocTotal');
    (meta.documents ?? []).forEach((doc, i) => {
      for (const k of DOCUMENT_FIELDS) if (!doc[k]) missing.push(`documents[${i}].${k}`);
    });
    if (missing.length) add(name, 'METADATA_INCOMPLETE', `Thiếu dữ liệu đặc tả: ${missing.join(', ')}.`);
  }
  let signatures = 0;
  if (checkSignature)
    for (const [name, data] of files) {
      if (!/^data\/.+\/signed-[^/]*\.pdf$/i.test(name)) continue;
      signatures++;
      const r = await checkSignature(data, name);
      if (r && !r.valid) add(name, 'SIGNATURE_INVALID', `Chữ ký số không hợp lệ${r.reason ? `: ${r.reason}` : ''}.`);
    }
  return { ok: problems.length === 0, problems, checkedFiles: checked, checkedSignatures: signatures };
}
