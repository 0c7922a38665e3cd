import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvDocument, csvField, neutraliseFormula, xlsxCell } from '../../src/common/spreadsheet-cells.js';

describe('spreadsheet cells (CSV injection)', () => {
  it('prefixes an apostrophe to text beginning with = + - @, tab or CR', () => {
    for (const v of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '=HYPERLINK("http://x")'])
      assert.equal(neutraliseFormula(v), `'${v}`);
  });
  it('leaves ordinary text and plain numbers as they are', () => {
    for (const v of ['Sở Nội vụ', '12/STC-NS', '-5', '+84.2', '3,5', '', 'a=b', "'=already"])
      assert.equal(neutraliseFormula(v), v);
  });
  it('quotes CSV fields with separators, quotes or line breaks, after neutralising', () => {
    assert.equal(csvField('=A1,"x"'), `"'=A1,""x"""`);
    assert.equal(csvField(null), '');
    assert.equal(csvField(42), '42');
    assert.equal(csvDocument([['a', '=b']]), "\ufeffa,'=b\r\n");
  });
  it('neutralises XLSX text and keeps other values', () => {
    assert.equal(xlsxCell('@x'), "'@x");
    assert.equal(xlsxCell(-3), -3);
    assert.equal(xlsxCell(true), true);
  });
});
