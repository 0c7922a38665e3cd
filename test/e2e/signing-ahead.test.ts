import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditEventEntity } from '../../src/modules/audit/audit-event.entity.js';
import { DocumentEntity } from '../../src/modules/documents/document.entity.js';
import { SigningService } from '../../src/modules/signing/index.js';
import { DEMO_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { PDFTOTEXT, pdftotext } from '../signing/pdf-fixtures.js';
import { startTsa, type TestTsa } from '../signing/tsa-fixture.js';
import { docsApi } from './documents.helpers.js';

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  const late = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms),
  );
  return Promise.race([p, late]);
}
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
};

/**
 * Signatures are made before the completion transaction (TaskCompletionPreparer): a leader signing does not hold
 * the write lock (SQLite: the whole database's) while the PDF is rendered, the key unlocked by its PIN and the
 * time-stamp fetched; the signature is kept only if the document is unchanged when the transaction runs.
 */
describe('signatures prepared outside the completion transaction', () => {
  let t: TestApp;
  let api: ReturnType<typeof docsApi>;
  let tsa: TestTsa;

  before(async () => {
    tsa = await startTsa();
    t = await startTestApp({ env: { TSA_URL: tsa.url } });
    api = docsApi(t);
  });
  after(async () => {
    await t.close();
    tsa.server.close();
  });

  /** A decision of Sở Nội vụ taken to its signing step. */
  const atSigning = async (subject: string) => {
    const giamdoc = await api.me('snv.giamdoc');
    const created = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: {
        typeCode: 'QĐ',
        subject,
        body: 'Điều 1. Cử bà Phan Thị Ngọc Ánh tham gia lớp bồi dưỡng.',
        signerId: giamdoc.id,
        consulteeIds: [],
        recipientAgencyIds: [],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    await api.complete('snv.cv', id, 'draft', { comment: 'Kính trình' });
    await api.complete('snv.tp', id, 'review', { decision: 'approve' });
    await api.complete('snv.vanthu', id, 'formatCheck', { decision: 'approve' });
    const task = await api.task('snv.giamdoc', id, 'sign');
    assert.ok(task);
    return { id, task };
  };
  const signatureAudits = (id: string) =>
    t.dataSource.getRepository(AuditEventEntity).countBy({ entityId: id, action: 'signing.signed' });

  /** Completes the signing task while the time-stamp authority holds its answer, running `meanwhile` then. */
  const signWhileHeld = async (taskId: string, meanwhile: () => Promise<void>) => {
    const asked = tsa.requests.length;
    const release = tsa.hold();
    const signing = t.request('POST', `/api/tasks/${taskId}/complete`, {
      as: 'snv.giamdoc',
      body: { variables: { decision: 'approve', pin: DEMO_PASSWORD } },
    });
    try {
      await until(() => tsa.requests.length > asked, 'the signature asked for its time-stamp');
      await meanwhile();
    } finally {
      release();
    }
    const done = await signing;
    assert.equal(done.status, 200, JSON.stringify(done.body));
    await api.idle();
    return { timestamps: tsa.requests.length - asked };
  };

  it('while a signature waits on its time-stamp authority, other users write; it then lands once', async () => {
    const { id, task } = await atSigning('Về việc cử cán bộ đi bồi dưỡng (ký trước giao dịch)');
    const { timestamps } = await signWhileHeld(task.id, async () => {
      // another user's writes go through meanwhile (inside the transaction they waited for the time-stamp)
      const other = await within(
        t.request('POST', '/api/documents/outgoing', {
          as: 'snv.cv',
          body: {
            typeCode: 'QĐ',
            subject: 'Về việc khác',
            body: 'Điều 1.',
            signerId: (await api.me('snv.giamdoc')).id,
          },
        }),
        5000,
        'creating another document while a signature is pending',
      );
      assert.equal(other.status, 201, JSON.stringify(other.body));
      assert.equal((await api.doc('snv.cv', id)).signed, false, 'nothing of the signature is written yet');
      assert.equal(await signatureAudits(id), 0);
    });
    const d = await t.dataSource.getRepository(DocumentEntity).findOneByOrFail({ id });
    assert.equal(d.signed, true);
    assert.equal(timestamps, 1, 'signed once');
    assert.equal(await signatureAudits(id), 1, 'one audit entry for the one signature');
    const pdf = (await api.bytes('snv.giamdoc', `/api/documents/${id}/pdf`)).body;
    const [sig] = await t.app.get(SigningService).verifyPdf(pdf);
    assert.equal(sig.valid, true, sig.problems.join('; '));
    assert.ok(sig.timestamp, 'the kept signature is the time-stamped one');
  });

  it('a document changed while its signature was prepared is signed again as it is now', async () => {
    const { id, task } = await atSigning('Về việc cử cán bộ đi bồi dưỡng (bản cũ)');
    const { timestamps } = await signWhileHeld(task.id, async () => {
      // a change that lands between the preparation and the completion transaction
      await t.dataSource
        .getRepository(DocumentEntity)
        .update({ id }, { subject: 'Về việc cử cán bộ đi bồi dưỡng (bản mới)' });
    });
    assert.equal(timestamps, 2, 'the prepared signature was dropped and a new one made');
    assert.equal(await signatureAudits(id), 1, 'only the kept signature is in the audit log');
    const pdf = (await api.bytes('snv.giamdoc', `/api/documents/${id}/pdf`)).body;
    const [sig] = await t.app.get(SigningService).verifyPdf(pdf);
    assert.equal(sig.valid, true, sig.problems.join('; '));
    if (PDFTOTEXT) {
      const text = pdftotext(pdf, 1).replace(/\s+/g, ' ');
      assert.match(text, /\(bản mới\)/);
      assert.doesNotMatch(text, /\(bản cũ\)/);
    }
  });

  it('a wrong PIN refuses the completion before its transaction: the task stays open, nothing is written', async () => {
    const { id, task } = await atSigning('Về việc thử mã PIN sai');
    const refused = await t.request('POST', `/api/tasks/${task.id}/complete`, {
      as: 'snv.giamdoc',
      body: { variables: { decision: 'approve', pin: 'sai-ma-pin' } },
    });
    assert.ok(refused.status >= 400 && refused.status < 500, JSON.stringify(refused.body));
    assert.ok(await api.task('snv.giamdoc', id, 'sign'), 'the task is still open');
    assert.equal((await api.doc('snv.cv', id)).signed, false);
    assert.equal(await signatureAudits(id), 0);
  });
});
