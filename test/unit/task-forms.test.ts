import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkFormDefinition, FormRegistry, localizeForm } from '../../src/modules/tasks/index.js';
import { fromCamundaForm } from '../../src/modules/tasks/camunda-form.js';
import { validateSubmission } from '../../src/modules/tasks/task-form-validation.js';
import { linkedForms } from '../../src/modules/workflow/engine/zeebe/zeebe-engine.js';
import { resolveDueDate } from '../../src/modules/tasks/index.js';

const TZ = 'Asia/Ho_Chi_Minh';

describe('task forms', () => {
  it('every form shipped in processes/forms is valid', () => {
    const results = new FormRegistry().checkAll();
    assert.equal(results.length, 11);
    for (const r of results) assert.deepEqual(r.problems, [], r.file);
  });

  it('shipped forms are Camunda Forms: form-js schema, Camunda 8.8 platform, bilingual labels read from them', () => {
    const dir = join(__dirname, '..', '..', '..', 'processes', 'forms');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.form'))) {
      const schema = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      assert.equal(schema.executionPlatform, 'Camunda Cloud', f);
      assert.equal(schema.executionPlatformVersion, '8.8.0', f);
      assert.equal(schema.type, 'default', f);
      assert.equal(`${schema.id}.form`, f);
      assert.ok(Array.isArray(schema.components) && schema.components.length > 1, f);
    }
    const review = new FormRegistry().get('outgoing-review');
    assert.equal(review.title.vi, 'Duyệt nội dung dự thảo');
    const en = localizeForm(review, 'en');
    assert.equal(en.title, 'Review the draft content');
    assert.equal(en.fields.find((x) => x.key === 'decision')?.type, 'select');
    assert.equal((en as { schema?: { id: string } }).schema?.id, 'outgoing-review', 'the schema goes with the task');
    const sign = new FormRegistry().get('outgoing-sign');
    assert.ok(
      sign.fields.some((x) => x.type === 'pin'),
      "hoso's custom field types map back (hoso-pin)",
    );
  });

  it('reads groups, bounds, patterns and conditions; refuses unknown component types and dynamic lists', () => {
    const { form, problems } = fromCamundaForm({
      id: 'trip',
      type: 'default',
      components: [
        { type: 'text', text: '# Đề nghị cử cán bộ đi công tác', properties: { 'hoso:en': 'Business trip request' } },
        {
          type: 'group',
          components: [
            {
              type: 'textfield',
              key: 'place',
              label: 'Nơi đến',
              validate: { required: true, minLength: 2, maxLength: 80 },
            },
            { type: 'number', key: 'days', label: 'Số ngày', validate: { min: 1, max: 30 } },
          ],
        },
        { type: 'textfield', key: 'code', label: 'Mã', validate: { pattern: '[A-Z]{2}-\\d{3}' } },
        { type: 'checkbox', key: 'abroad', label: 'Đi nước ngoài' },
        {
          type: 'textfield',
          key: 'passport',
          label: 'Hộ chiếu',
          validate: { required: true },
          conditional: { hide: '=abroad != true' },
        },
        { type: 'hoso-user', key: 'approver', label: 'Người duyệt' },
      ],
    });
    assert.deepEqual(problems, []);
    assert.equal(form!.title.en, 'Business trip request');
    assert.deepEqual(
      form!.fields.map((f) => [f.key, f.type]),
      [
        ['place', 'text'],
        ['days', 'number'],
        ['code', 'text'],
        ['abroad', 'boolean'],
        ['passport', 'text'],
        ['approver', 'user'],
      ],
    );
    assert.deepEqual(
      fromCamundaForm({
        id: 'x',
        components: [
          { type: 'money', key: 'a' },
          { type: 'dynamiclist', components: [] },
        ],
      }).problems,
      [
        'components[0].type: "money" is not a supported component',
        'components[1]: dynamic lists are not supported in task forms',
      ],
    );
  });

  it('a completion is checked against the schema: bounds, pattern, and a field its condition hides is ignored', async () => {
    const { form } = fromCamundaForm({
      id: 'trip',
      components: [
        {
          type: 'textfield',
          key: 'place',
          label: 'Nơi đến',
          validate: { required: true, minLength: 2, maxLength: 10 },
        },
        { type: 'number', key: 'days', label: 'Số ngày', validate: { min: 1, max: 30 } },
        { type: 'textfield', key: 'code', label: 'Mã', validate: { pattern: '[A-Z]{2}-\\d{3}' } },
        { type: 'checkbox', key: 'abroad', label: 'Đi nước ngoài' },
        {
          type: 'textfield',
          key: 'passport',
          label: 'Hộ chiếu',
          validate: { required: true },
          conditional: { hide: '=abroad != true' },
        },
      ],
    });
    const ctx = {} as Parameters<typeof validateSubmission>[2];
    const code = async (input: Record<string, unknown>) => {
      try {
        await validateSubmission(form!, input, ctx);
        return 'ok';
      } catch (e) {
        const d = e as { code?: string; details?: { field?: string } };
        return `${d.code}:${d.details?.field ?? ''}`;
      }
    };
    assert.equal(await code({ place: 'Huế', days: 3, code: 'HT-123' }), 'ok', 'passport hidden: not required');
    assert.deepEqual(await validateSubmission(form!, { place: 'Huế', passport: 'B123' }, ctx), { place: 'Huế' });
    assert.equal(await code({ place: 'H' }), 'TASK_FIELD_INVALID:place');
    assert.equal(await code({ place: 'Thành phố Hồ Chí Minh' }), 'TASK_FIELD_INVALID:place');
    assert.equal(await code({ place: 'Huế', days: 0 }), 'TASK_FIELD_INVALID:days');
    assert.equal(await code({ place: 'Huế', days: 31 }), 'TASK_FIELD_INVALID:days');
    assert.equal(await code({ place: 'Huế', code: 'ht-123' }), 'TASK_FIELD_INVALID:code');
    assert.equal(await code({ place: 'Huế', abroad: true }), 'TASK_FIELD_REQUIRED:passport', 'shown: required again');
    assert.equal(await code({ place: 'Huế', abroad: true, passport: 'B1234567' }), 'ok');
  });

  it('a Zeebe deployment carries the forms its user tasks link', () => {
    const xml = readFileSync(join(__dirname, '..', '..', '..', 'processes', 'outgoing-document.bpmn'), 'utf8');
    const names = linkedForms(xml)
      .map((r) => r.name)
      .sort();
    assert.ok(names.includes('outgoing-review.form') && names.includes('outgoing-sign.form'), names.join());
    for (const r of linkedForms(xml)) assert.equal(JSON.parse(String(r.content)).id, r.name.replace(/\.form$/, ''));
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
