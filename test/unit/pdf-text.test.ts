import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import * as fontkit from '@pdf-lib/fontkit';
import { tinosBytes, tinosFont } from '../../src/common/tinos-fonts.js';
import { renderDocumentPdf } from '../../src/modules/documents/document-layout.js';
import { embedFonts, textWidth, wrapText, wrapWords } from '../../src/modules/registers/pdf-text.js';
import { PDFTOTEXT, pdftotext } from '../signing/pdf-fixtures.js';

const PARAGRAPH =
  'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của ' +
  'Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019; theo đề nghị của ' +
  'Trưởng phòng Tổ chức cán bộ, Sở Nội vụ tỉnh Hà Tĩnh về việc phê duyệt kế hoạch tuyển dụng công chức năm 2026.';

describe('PDF text (Tinos)', () => {
  it('measures as pdf-lib does, at any size, for every style', async () => {
    const doc = await PDFDocument.create();
    const f = embedFonts(doc);
    for (const font of Object.values(f))
      for (const size of [9, 12.5, 14])
        for (const s of ['Độc lập - Tự do - Hạnh phúc', 'AVAWA', ' ', ''])
          assert.ok(Math.abs(textWidth(font, s, size) - font.widthOfTextAtSize(s, size)) < 1e-9, `${font.name} ${s}`);
  });

  it('wraps greedily: every line fits measured whole, and no line could take the next word', async () => {
    const doc = await PDFDocument.create();
    const { regular, bold } = embedFonts(doc);
    const words = PARAGRAPH.split(' ');
    for (const font of [regular, bold])
      for (const width of [120, 200, 333.3, 451]) {
        const lines = wrapWords(words, font, 14, (i) => (i === 0 ? width - 36 : width));
        assert.deepEqual(lines.flat(), words, 'every word once, in order');
        lines.forEach((line, i) => {
          const limit = i === 0 ? width - 36 : width;
          assert.ok(font.widthOfTextAtSize(line.join(' '), 14) <= limit, `line ${i} fits (${width})`);
          const next = lines[i + 1]?.[0];
          if (next)
            assert.ok(font.widthOfTextAtSize([...line, next].join(' '), 14) > limit, `line ${i} is full (${width})`);
        });
      }
  });

  it('breaks a word longer than the line by characters, and keeps empty paragraphs as empty lines', async () => {
    const doc = await PDFDocument.create();
    const { regular } = embedFonts(doc);
    const long = 'https://hoso.example.gov.vn/van-ban/0123456789abcdefghijklmnopqrstuvwxyz';
    const lines = wrapText(`Xem ${long}\n\nHết`, regular, 12, 100);
    assert.ok(lines.length > 3);
    for (const l of lines) assert.ok(regular.widthOfTextAtSize(l, 12) <= 100, l);
    assert.equal(lines.filter((l) => l !== 'Xem' && l !== '' && l !== 'Hết').join(''), long);
    assert.deepEqual(lines.slice(-2), ['', 'Hết']);
  });

  it('embeds only the glyphs drawn, each at its id with its own outline; the text reads back with diacritics', async () => {
    const drawn = 'Nguyễn Văn Anh — “Độc lập” ≥ ½';
    const rendered = await renderDocumentPdf({
      governingBodyName: 'UBND tỉnh Hà Tĩnh',
      agencyName: 'Sở Nội vụ',
      numberLine: 'Số:        /QĐ-SNV',
      isLetter: false,
      subject: 'Về việc phê duyệt kế hoạch tuyển dụng',
      placeDate: 'Hà Tĩnh, ngày 26 tháng 11 năm 2026',
      directives: [
        { kind: 'title', text: 'Quyết định' },
        { kind: 'p', text: `${PARAGRAPH} ${drawn}` },
      ],
      signer: { authorityLine: 'KT. GIÁM ĐỐC', titleLine: 'PHÓ GIÁM ĐỐC', name: 'Nguyễn Văn Anh' },
      recipientLines: ['- Lưu: VT, TCCB.'],
    });
    assert.ok(rendered.pdf.length < 60_000, `a one-page decision is small (${rendered.pdf.length} bytes)`);
    const doc = await PDFDocument.load(rendered.pdf);
    const embedded = new Map<string, Buffer>();
    for (const [, obj] of doc.context.enumerateIndirectObjects()) {
      if (!(obj instanceof PDFDict) || !obj.get(PDFName.of('FontFile2'))) continue;
      const stream = doc.context.lookup(obj.get(PDFName.of('FontFile2')));
      const name = String(obj.get(PDFName.of('FontName'))).slice(1);
      // a subset carries its six-letter tag (ISO 32000 9.6.4), which PDF/A validators expect
      assert.match(name, /^[A-Z]{6}\+Tinos-/, `subset tag on ${name}`);
      if (stream instanceof PDFRawStream)
        embedded.set(name.replace(/^[A-Z]{6}\+/, '').replace(/-\d+$/, ''), inflateSync(stream.contents));
    }
    assert.deepEqual([...embedded.keys()].sort(), ['Tinos-Bold', 'Tinos-BoldItalic', 'Tinos-Italic', 'Tinos-Regular']);
    const whole = tinosFont('regular');
    const part = fontkit.create(embedded.get('Tinos-Regular')!) as typeof whole;
    const ids = whole.layout(drawn.normalize('NFC')).glyphs.map((g) => g.id);
    assert.ok(part.numGlyphs > Math.max(...ids) && part.numGlyphs <= whole.numGlyphs, 'glyph ids kept');
    assert.ok(embedded.get('Tinos-Regular')!.length < tinosBytes('regular').length / 10);
    for (const g of whole.layout(drawn.normalize('NFC')).glyphs)
      assert.equal(
        part.getGlyph(g.id).path.toSVG(),
        g.path.toSVG(),
        `glyph ${g.id} (${String.fromCodePoint(...g.codePoints)})`,
      );
    const notDrawn = whole.glyphForCodePoint('Z'.codePointAt(0)!);
    assert.ok(notDrawn.path.toSVG().length > 0);
    assert.equal(part.getGlyph(notDrawn.id).path.toSVG(), '', 'a glyph not drawn is not embedded');
    if (PDFTOTEXT) {
      const text = pdftotext(rendered.pdf, 1).replace(/\s+/g, ' ');
      assert.match(text, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
      assert.match(text, /tuyển dụng công chức năm 2026/);
      assert.match(text, /Nguyễn Văn Anh — “Độc lập” ≥ ½/);
    }
  });
});
