import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWorkingDays, businessYear, formatViDate, formatViLongDate } from '../../src/common/business-time.js';
import { foldVietnamese } from '../../src/common/vietnamese.js';

const TZ = 'Asia/Ho_Chi_Minh';

describe('business time and Vietnamese text', () => {
  it('the business year turns at midnight Vietnam time, not UTC', () => {
    assert.equal(businessYear(new Date('2026-12-31T16:59:59Z'), TZ), 2026);
    assert.equal(businessYear(new Date('2026-12-31T17:00:00Z'), TZ), 2027);
  });

  it('formats dates the Vietnamese way', () => {
    const d = new Date('2026-11-25T03:00:00Z');
    assert.equal(formatViDate(d, TZ), '25/11/2026');
    assert.equal(formatViLongDate(d, TZ), 'ngày 25 tháng 11 năm 2026');
    assert.equal(formatViLongDate(new Date('2026-02-05T03:00:00Z'), TZ), 'ngày 05 tháng 02 năm 2026');
  });

  it('counts working days skipping weekends and holidays', () => {
    // Friday 2026-04-24 + 3 working days: Mon 27, Tue 28, (Thu 30/4 and Fri 1/5 are holidays) Wed 29 → Wed 29
    const due = addWorkingDays(new Date('2026-04-24T03:00:00Z'), 3, TZ, ['2026-04-30', '2026-05-01']);
    assert.equal(formatViDate(due, TZ), '29/04/2026');
    const due2 = addWorkingDays(new Date('2026-04-24T03:00:00Z'), 4, TZ, ['2026-04-30', '2026-05-01']);
    assert.equal(formatViDate(due2, TZ), '04/05/2026');
  });

  it('folds diacritics for search', () => {
    assert.equal(foldVietnamese('Quyết định về việc Điều động'), 'quyet dinh ve viec dieu dong');
    assert.equal(foldVietnamese('Quyết định'.normalize('NFD')), 'quyet dinh');
  });
});
