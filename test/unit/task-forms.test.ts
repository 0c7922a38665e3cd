import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFormDefinition, FormRegistry, localizeForm } from '../../src/modules/tasks/index.js';
import { resolveDueDate } from '../../src/modules/tasks/index.js';

const TZ = 'Asia/Ho_Chi_Minh';

describe('task forms', () => {
  it('every form shipped in processes/forms is valid', () => {
    const results = new FormRegistry().checkAll();
    for (const r of results) assert.deepEqual(r.problems, [], r.file);
  });

  it('refuses a malformed form and names each problem', () => {
    const problems = checkFormDefinition({
      id: 'x',
      title: { vi: 'X' },
      fields: [
        { key: 'decision', label: { vi: 'Ý kiến', en: 'Decision' }, type: 'select' },
        { key: 'content', label: { vi: 'a', en: 'a' }, type: 'text' },
        { key: 'n', label: { vi: 'a', en: 'a' }, type: 'money' },
      ],
    });
    assert.deepEqual(problems, [
      'title: { vi, en } required',
      'fields[0].options: required for select',
      'fields[1].key: "content" is reserved',
      'fields[2].type: one of text, textarea, number, date, boolean, select, user, users, unit, dossier, file, pin',
    ]);
  });

  it('localizes labels and options to the caller language', () => {
    const form = {
      id: 'f',
      title: { vi: 'Duyệt', en: 'Approve' },
      fields: [
        {
          key: 'decision',
          label: { vi: 'Quyết định', en: 'Decision' },
          type: 'select' as const,
          required: true,
          options: [{ value: 'approve', label: { vi: 'Đồng ý', en: 'Approve' } }],
        },
      ],
    };
    assert.deepEqual(localizeForm(form, 'en').fields[0], {
      key: 'decision',
      label: 'Decision',
      type: 'select',
      required: true,
      options: [{ value: 'approve', label: 'Approve' }],
    });
  });
});

describe('task due dates in Vietnamese working days', () => {
  it('given Friday, P3D ends Wednesday 17:00 local time (weekend skipped)', () => {
    const friday = new Date('2026-11-27T03:00:00Z');
    assert.equal(resolveDueDate('P3D', friday, TZ, [])?.toISOString(), '2026-12-02T10:00:00.000Z');
  });

  it('skips configured public holidays (Independence Day 2 September 2026, a Wednesday)', () => {
    const monday = new Date('2026-08-31T03:00:00Z');
    assert.equal(resolveDueDate('P2D', monday, TZ, ['2026-09-02'])?.toISOString(), '2026-09-03T10:00:00.000Z');
  });

  it('P1W is five working days; hours are clock time; absolute dates are kept', () => {
    const wed = new Date('2026-11-25T02:00:00Z');
    assert.equal(resolveDueDate('P1W', wed, TZ, [])?.toISOString(), '2026-12-02T10:00:00.000Z');
    assert.equal(resolveDueDate('PT4H', wed, TZ, [])?.toISOString(), '2026-11-25T06:00:00.000Z');
    assert.equal(resolveDueDate('2026-12-31T10:00:00Z', wed, TZ, [])?.toISOString(), '2026-12-31T10:00:00.000Z');
    assert.equal(resolveDueDate('2026-12-01', wed, TZ, [])?.toISOString(), '2026-12-01T10:00:00.000Z');
    assert.equal(resolveDueDate('not a date', wed, TZ, []), null);
    assert.equal(resolveDueDate(null, wed, TZ, []), null);
  });
});
