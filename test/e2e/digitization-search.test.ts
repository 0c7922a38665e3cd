import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConsumeFolderService } from '../../src/modules/digitization/consume-folder.service.js';
import { ContentQueueService } from '../../src/modules/digitization/content-queue.service.js';
import { DocumentsService } from '../../src/modules/documents/documents.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { docsApi } from './documents.helpers.js';
import { letterPdf, scanOf, signedLetter } from './digitization-support.js';

const FIELDS = {
  senderName: 'Sở Tài chính',
  originalNumber: '12/QĐ-STC',
  originalDate: '2026-11-20',
  typeCode: 'QĐ',
};
type Hit = { id: string; pages: { page: number; snippet: { text: string; hit: boolean }[] }[] };

/**
 * Paper intake and content search through the public API, with the real OCRmyPDF and Tesseract `vie` (one-page
 * scans only: OCR is CPU-heavy) and the real full-text index of the database under test.
 */
describe('digitization: scans made searchable, signed PDFs kept, consume folder, content search', () => {
  let t: TestApp;
  let api: ReturnType<typeof docsApi>;
  let consumeDir: string;
  const ocr = existsSync('/usr/bin/ocrmypdf');

  const register = async (subject: string, file: { name: string; type: string; content: Buffer }, extra = {}) => {
    const res = await api.upload('snv.vanthu', '/api/documents/incoming', { ...FIELDS, subject, ...extra }, file);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  /** The document's jobs once none is queued or running (the queue polls every 100 ms here). */
  const settled = async (id: string, as = 'snv.vanthu') => {
    for (let i = 0; i < 600; i++) {
      const res = await t.request('GET', `/api/documents/${id}/content-jobs`, { as });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const jobs = res.body as { status: string; error: string | null }[];
      if (jobs.length && jobs.every((j) => j.status === 'done' || j.status === 'failed')) return res.body;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`jobs of ${id} never settled`);
  };
  const search = async (as: string, q: string, extra = '') => {
    const res = await t.request('GET', `/api/search?q=${encodeURIComponent(q)}${extra}`, { as });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { items: Hit[]; total: number };
  };
  const marked = (h: Hit | undefined) =>
    (h?.pages ?? []).flatMap((p) => p.snippet.filter((s) => s.hit).map((s) => s.text.toLowerCase()));

  before(async () => {
    consumeDir = mkdtempSync(join(tmpdir(), 'hoso-consume-'));
    t = await startTestApp({
      env: { DIGITIZATION_POLL_MS: '100', CONSUME_DIR: consumeDir, CONSUME_POLL_MS: '3600000' },
    });
    api = docsApi(t);
  });
  after(async () => {
    await t?.close();
    rmSync(consumeDir, { recursive: true, force: true });
  });

  it(
    'OCRs a 300 dpi scanned letter into a searchable PDF/A kept beside the original; found with and without diacritics',
    { skip: !ocr && 'ocrmypdf not installed' },
    async () => {
      const letter = await letterPdf([
        ['ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH', 'QUYẾT ĐỊNH', 'Quyết định về việc tiếp nhận hồ sơ', 'tại Hà Tĩnh năm 2026'],
      ]);
      const png = scanOf(letter, 300);
      const id = await register('Thư quét', { name: 'thu-quet.png', type: 'image/png', content: png });
      const [job] = await settled(id);
      assert.equal(job.status, 'done', JSON.stringify(job));
      assert.equal(job.mode, 'ocr');
      assert.equal(job.minDpi, 300);
      assert.equal(job.lowDpi, false);
      assert.ok(job.ocrSha256);
      // the original image, the PDF it was wrapped in and the OCR copy are all kept
      const files: { role: string; sha256: string }[] = await t.dataSource.query(
        'SELECT role, sha256 FROM document_file WHERE document_id = ? ORDER BY role',
        [id],
      );
      assert.deepEqual(files.map((f) => f.role).sort(), ['main', 'ocr', 'scan']);
      for (const q of ['quyet dinh', 'Quyết định', 'QUYET DINH', '"ho so"', 'Hà Tĩnh']) {
        const found = await search('snv.vanthu', q);
        const hit = found.items.find((i) => i.id === id);
        assert.ok(hit, `${q}: ${JSON.stringify(found)}`);
        assert.equal(hit.pages[0].page, 1);
        assert.ok(marked(hit).length > 0, JSON.stringify(hit.pages));
      }
      const words = marked((await search('snv.vanthu', 'quyet dinh')).items.find((i) => i.id === id));
      assert.ok(words.includes('quyết') && words.includes('định'), JSON.stringify(words));
    },
  );

  it(
    'flags a 150 dpi scan as below the 200 dpi the rules ask for',
    { skip: !ocr && 'ocrmypdf not installed' },
    async () => {
      const png = scanOf(await letterPdf([['Công văn về việc báo cáo']]), 150);
      const id = await register('Thư quét kém', { name: 'kem.png', type: 'image/png', content: png });
      const [job] = await settled(id);
      assert.equal(job.minDpi, 150);
      assert.equal(job.lowDpi, true);
      const low = await t.request('GET', '/api/digitization/jobs?lowDpi=true', { as: 'snv.vanthu' });
      assert.equal(low.status, 200);
      assert.ok(low.body.some((j: { documentId: string }) => j.documentId === id));
    },
  );

  it('never rewrites a signed PDF: its bytes stay, its text is searchable with the right page', async () => {
    const signed = await signedLetter([
      ['Trang đầu của công văn'],
      ['Về việc phê duyệt kế hoạch đồng bộ', 'Đồng chí Trần Văn Hà'],
    ]);
    const id = await register('Công văn đã ký', { name: 'da-ky.pdf', type: 'application/pdf', content: signed });
    const [job] = await settled(id);
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.signed, true);
    assert.equal(job.mode, 'extract');
    assert.equal(job.ocrSha256, null);
    const pdf = await api.bytes('snv.vanthu', `/api/documents/${id}/pdf`);
    assert.equal(pdf.status, 200);
    assert.ok(Buffer.compare(pdf.body, signed) === 0, 'signed bytes unchanged');
    // two-letter syllables and đ = d
    for (const q of ['dong bo', 'đồng bộ', 'về', 'Hà', 'ke hoach dong bo']) {
      const hit = (await search('snv.vanthu', q)).items.find((i) => i.id === id);
      assert.ok(hit, q);
      assert.deepEqual(
        hit.pages.map((p) => p.page),
        [2],
        q,
      );
    }
    // filters as in the list
    assert.equal((await search('snv.vanthu', 'dong bo', '&direction=outgoing')).items.length, 0);
    assert.ok((await search('snv.vanthu', 'dong bo', '&direction=incoming')).items.some((i) => i.id === id));
  });

  it('a secret document’s content reaches neither results, counts nor snippets of a non-reader', async () => {
    const marker = 'Xylophonbimat';
    const pdf = await letterPdf([[`Nội dung mật ${marker} kế hoạch tuyệt mật`]]);
    const id = await register(
      'Công văn mật',
      { name: 'mat.pdf', type: 'application/pdf', content: pdf },
      { secrecy: 'confidential' },
    );
    await settled(id);
    const reader = await search('snv.vanthu', marker.toLowerCase());
    assert.ok(
      reader.items.some((i) => i.id === id),
      'the reader finds it',
    );
    for (const as of ['snv.cv', 'snv.cv2', 'snv.tp', 'thachkim.vanthu', 'vanthu']) {
      for (const q of [marker, 'tuyet mat', `"${marker}"`]) {
        const res = await t.request('GET', `/api/search?q=${encodeURIComponent(q)}`, { as });
        assert.equal(res.status, 200);
        const text = JSON.stringify(res.body).toLowerCase();
        assert.ok(!text.includes(marker.toLowerCase()) && !text.includes(id), `${as} ${q}: ${text}`);
        assert.equal(res.body.total, 0, `${as} ${q} count`);
      }
      const jobs = await t.request('GET', `/api/documents/${id}/content-jobs`, { as });
      assert.ok(jobs.status === 403 || jobs.status === 404, `${as} jobs ${jobs.status}`);
    }
  });

  it('refuses malformed and oversized queries with 400, and injection-like text is only text', async () => {
    for (const q of ['', 'x'.repeat(201)]) {
      const res = await t.request('GET', `/api/search?q=${encodeURIComponent(q)}`, { as: 'snv.cv' });
      assert.equal(res.status, 400, q);
    }
    for (const q of ['" OR 1=1 --', 'NEAR(a b) * ^', "'; DROP TABLE content_page; --", '+w_a -w_b @8', '"""']) {
      const res = await t.request('GET', `/api/search?q=${encodeURIComponent(q)}`, { as: 'snv.cv' });
      assert.equal(res.status, 200, `${q}: ${JSON.stringify(res.body)}`);
    }
    const page = await t.request('GET', '/api/search?q=a&pageSize=1000', { as: 'snv.cv' });
    assert.equal(page.status, 400);
    const anon = await fetch(`${t.url}/api/search?q=a`);
    assert.equal(anon.status, 401);
    const other = await t.request('POST', '/api/digitization/jobs/00000000-0000-4000-8000-000000000000/retry', {
      as: 'snv.vanthu',
    });
    assert.equal(other.status, 404);
    const staff = await t.request('GET', '/api/digitization/jobs', { as: 'snv.cv' });
    assert.equal(staff.status, 403);
  });

  it('consume folder: takes a file, stores it, removes it only after; a crash in between loses nothing and stores nothing twice', async () => {
    const [agency] = await t.dataSource.query("SELECT id, organ_id AS organId FROM agency WHERE abbreviation = 'SNV'");
    const dir = join(consumeDir, agency.organId);
    mkdirSync(dir, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    const put = (name: string, content: Buffer) => {
      writeFileSync(join(dir, name), content);
      utimesSync(join(dir, name), old, old);
    };
    const consume = t.app.get(ConsumeFolderService);
    const count = async (sha: string) =>
      Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM consume_intake WHERE sha256 = ?', [sha]))[0].n);
    const a = await letterPdf([['Giấy mời họp về công tác số hoá']]);
    put('giay-moi.pdf', a);
    const made = await consume.scan();
    assert.equal(made.length, 1);
    assert.deepEqual(readdirSync(dir), []);
    const [doc] = await t.dataSource.query('SELECT subject, direction, status FROM document WHERE id = ?', [made[0]]);
    assert.equal(doc.direction, 'incoming');
    assert.equal(doc.subject, 'giay moi');
    await settled(made[0]);
    assert.ok((await search('snv.vanthu', 'so hoa')).items.some((i) => i.id === made[0]));

    // crash after the document committed, before the file was removed: the same state as the process leaves it
    const b = await letterPdf([['Báo cáo tình hình tiếp nhận']]);
    put('bao-cao.pdf', b);
    const documents = t.app.get(DocumentsService);
    const sha = (await import('node:crypto')).createHash('sha256').update(b).digest('hex');
    await documents.registerConsumed(agency.id, b, 'bao-cao.pdf', async (m, documentId) => {
      await m.query(
        'INSERT INTO consume_intake (id, agency_id, sha256, document_id, file_name, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [
          (await import('node:crypto')).randomUUID(),
          agency.id,
          sha,
          documentId,
          'bao-cao.pdf',
          t.dataSource.options.type === 'better-sqlite3'
            ? new Date().toISOString().replace('T', ' ').replace('Z', '')
            : new Date(),
        ],
      );
    });
    assert.ok(existsSync(join(dir, 'bao-cao.pdf')));
    assert.deepEqual(await consume.scan(), []); // seen again after the restart: removed, not stored twice
    assert.equal(await count(sha), 1);
    assert.deepEqual(readdirSync(dir), []);

    // crash before the commit (the transaction failed): the file stays and is taken at the next pass, once
    const c = await letterPdf([['Tờ trình đề nghị']]);
    put('to-trinh.pdf', c);
    const failing = await documents
      .registerConsumed(agency.id, c, 'to-trinh.pdf', async () => {
        throw new Error('crash');
      })
      .catch((e: Error) => e.message);
    assert.equal(failing, 'crash');
    assert.ok(existsSync(join(dir, 'to-trinh.pdf')));
    const again = await consume.scan();
    assert.equal(again.length, 1);
    assert.deepEqual(readdirSync(dir), []);

    // not a scan: moved aside, never lost
    put('ghi-chu.txt', Buffer.from('không phải bản quét'));
    assert.deepEqual(await consume.scan(), []);
    assert.deepEqual(readdirSync(join(dir, 'rejected')), ['ghi-chu.txt']);
  });

  it('reports whether OCR is on', async () => {
    const res = await t.request('GET', '/api/digitization/status', { as: 'snv.cv' });
    assert.equal(res.status, 200);
    assert.equal(res.body.ocr, ocr && t.app.get(ContentQueueService).ocrEnabled);
    assert.equal(res.body.consumeFolder, true);
  });
});
