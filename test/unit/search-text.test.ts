import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  foldKeepingOffsets,
  fts5Match,
  mariaBooleanQuery,
  mariaIndexText,
  parseContentQuery,
  snippet,
} from '../../src/modules/search/search-text.js';
import { imageDpi, isSignedPdf, scanKind } from '../../src/modules/digitization/ocr-tools.js';

describe('content search text', () => {
  it('folds one character at a time: marks dropped, đ = d, same length', () => {
    const text = 'Quyết định về việc Đồng bộ ở Hà Nội';
    const folded = foldKeepingOffsets(text);
    assert.equal(folded, 'quyet dinh ve viec dong bo o ha noi');
    assert.equal(folded.length, text.length);
    // decomposed input is normalized first by the callers; astral characters keep their two code units
    assert.equal(foldKeepingOffsets('a😀b').length, 4);
  });

  it('parses words and quoted phrases, drops operators, caps the terms', () => {
    assert.deepEqual(parseContentQuery('Quyết  định "Hà Nội" về').groups, [['ha', 'noi'], ['quyet'], ['dinh'], ['ve']]);
    assert.deepEqual(parseContentQuery('NEAR(a b) OR * -x ^').groups, [['near'], ['a'], ['b'], ['or'], ['x']]);
    assert.deepEqual(parseContentQuery('" OR 1=1 --').groups, [['or'], ['1']]);
    assert.equal(parseContentQuery(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ')).groups.length, 12);
    assert.deepEqual(parseContentQuery('""').groups, []);
  });

  it('builds index queries with nothing of the user text left as syntax', () => {
    const q = parseContentQuery('quyết định "hồ sơ"');
    assert.equal(fts5Match(q), '"ho so" AND "quyet" AND "dinh"');
    assert.equal(mariaBooleanQuery(q), '+"w_ho w_so" +w_quyet +w_dinh');
    assert.equal(mariaIndexText('về hà là a'), 'w_về w_hà w_là w_a');
  });

  it('cuts a snippet from the original text, the matched words marked', () => {
    const page = `${'Lời mở đầu. '.repeat(30)}Căn cứ Quyết định số 12 về việc tiếp nhận hồ sơ. ${'Phần cuối. '.repeat(30)}`;
    const parts = snippet(page, parseContentQuery('quyet dinh "ho so"'));
    assert.deepEqual(
      parts.filter((p) => p.hit).map((p) => p.text),
      ['Quyết', 'định', 'hồ sơ'],
    );
    assert.ok(parts[0].text.startsWith('…'));
    assert.ok(parts.map((p) => p.text).join('').length < 300);
    // "so" alone does not match inside "số"'s neighbours' words, only whole words
    assert.deepEqual(
      snippet('Sổ sách và số liệu', parseContentQuery('so'))
        .filter((p) => p.hit)
        .map((p) => p.text),
      ['Sổ', 'số'],
    );
  });

  it('recognises scans and signatures by their bytes', () => {
    assert.equal(scanKind(Buffer.from('%PDF-1.7\n')), 'pdf');
    assert.equal(scanKind(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'png');
    assert.equal(scanKind(Buffer.from('II*\0abcd')), 'tiff');
    assert.equal(scanKind(Buffer.from('hello world')), null);
    assert.ok(isSignedPdf(Buffer.from('%PDF-1.7 << /Type /Sig /ByteRange [0 10 20 30] >>')));
    assert.ok(!isSignedPdf(Buffer.from('%PDF-1.7 << /Type /Page >>')));
    // JFIF density in dots per inch
    const jfif = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 1, 0, 150, 0, 150, 0, 0]);
    assert.equal(imageDpi(jfif, 'jpeg'), 150);
  });
});
