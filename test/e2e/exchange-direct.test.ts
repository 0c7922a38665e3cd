import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ExchangeOutboxEntity } from '../../src/modules/exchange/exchange.entity.js';
import { InstallationKey } from '../../src/modules/exchange/installation-key.js';
import { StorageService } from '../../src/modules/storage/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { docsApi } from './documents.helpers.js';
import { agencyIdOf, issueOutgoing, Relay, SNV, THACH_KIM, until } from './exchange-support.js';

/**
 * Two installations, each its own Nest app with its own database and port, exchanging through `direct`.
 * Installation A's directory places xã Thạch Kim at B (so A delivers to it by exchange, not internally), and B's
 * places Sở Nội vụ at A. B is reached through a relay that the peer-down case takes down and back.
 */
describe('exchange: two installations over direct (edXML, statuses, return, recall, update)', () => {
  let a: TestApp;
  let b: TestApp;
  let relay: Relay;
  let thachKimAtA: string;
  const env = { EXCHANGE_RETRY_BASE_MS: '300', EXCHANGE_LOOP_MS: '100' };

  before(async () => {
    [a, b] = await Promise.all([startTestApp({ env }), startTestApp({ env })]);
    relay = new Relay(Number(new URL(b.url).port));
    await relay.up();
    const keyA = (await a.request('GET', '/api/exchange/identity')).body.publicKey;
    const keyB = (await b.request('GET', '/api/exchange/identity')).body.publicKey;
    let res = await a.request('POST', '/api/exchange/peers', {
      as: 'admin',
      body: {
        organId: THACH_KIM,
        name: 'UBND xã Thạch Kim (hệ thống B)',
        adapter: 'direct',
        endpointUrl: `http://127.0.0.1:${relay.port}/api/exchange/packages`,
        publicKey: keyB,
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    // B's directory comes from a CSV import (the PEM spans lines inside a quoted field)
    const csv = `organId,name,adapter,endpointUrl,publicKey\n${SNV},Sở Nội vụ (hệ thống A),direct,${a.url}/api/exchange/packages,"${keyA}"\n`;
    res = await b.request('POST', '/api/exchange/peers/import', {
      as: 'admin',
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { created: 1, updated: 0 });
    thachKimAtA = await agencyIdOf(a, 'thachkim.vanthu');
  });
  after(async () => {
    await relay?.down();
    await Promise.all([a?.close(), b?.close()]);
  });

  const timeline = async (id: string) => {
    const res = await a.request('GET', `/api/exchange/documents/${id}`, { as: 'snv.vanthu' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.recipients as {
      organId: string;
      packages: { kind: string; state: string; attempts: number; lastError: string | null }[];
      statuses: { code: string; description: string }[];
    }[];
  };
  const codes = async (id: string) => (await timeline(id))[0]?.statuses.map((s) => s.code) ?? [];
  const waitCodes = (id: string, want: string[]) =>
    until(`statuses ${want.join(',')}`, async () => {
      const got = await codes(id);
      return want.every((c) => got.includes(c)) && got;
    });
  const receivedAtB = async (state?: string) => {
    const res = await b.request('GET', `/api/exchange/received${state ? `?state=${state}` : ''}`, {
      as: 'thachkim.vanthu',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as {
      id: string;
      kind: string;
      state: string;
      documentId: string;
      remoteDocumentId: string;
      signatures: { integrity: boolean; signatureValid: boolean; trusted: boolean }[];
      document: { subject: string; status: string; notation: string };
    }[];
  };
  const arrival = (subject: string) =>
    until(`arrival of ${subject}`, async () =>
      (await receivedAtB()).find((r) => r.kind === 'new' && r.document?.subject === subject),
    );

  let firstId = '';
  let firstAtB = '';

  it('send → receive → 01/03/04/05/06 seen at the sender', async () => {
    const subject = 'Về việc phối hợp kiểm tra công tác văn thư';
    firstId = await issueOutgoing(a, subject, [thachKimAtA]);
    // not delivered internally: A's Thạch Kim has no incoming copy
    const internal = await a.request('GET', '/api/documents?direction=incoming', { as: 'thachkim.vanthu' });
    assert.equal(internal.body.items.filter((d: { subject: string }) => d.subject === subject).length, 0);
    const got = await arrival(subject);
    assert.equal(got.state, 'received');
    // the signer's and the agency's signatures, verified at B and shown to its clerk (A's demo CA is not B's anchor)
    assert.equal(got.signatures.length, 2, JSON.stringify(got.signatures));
    assert.ok(got.signatures.every((s) => s.integrity && s.signatureValid && !s.trusted));
    assert.match(got.remoteDocumentId, new RegExp(`^${SNV.replace(/\./g, '\\.')},\\d{4}/\\d{2}/\\d{2},\\d+/`));
    firstAtB = got.documentId;
    const doc = await docsApi(b).doc('thachkim.vanthu', firstAtB);
    assert.equal(doc.direction, 'incoming');
    assert.equal(doc.subject, subject);
    assert.equal(doc.notation, got.document.notation);
    const pdf = await docsApi(b).bytes('thachkim.vanthu', `/api/documents/${firstAtB}/pdf`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
    await waitCodes(firstId, ['01']);

    const apiB = docsApi(b);
    const cv = await apiB.me('thachkim.cv');
    await apiB.complete('thachkim.vanthu', firstAtB, 'register', { comment: 'Đã kiểm tra' });
    await waitCodes(firstId, ['01', '03']);
    await apiB.complete('thachkim.chutich', firstAtB, 'direct', { mainHandlerId: cv.id, instruction: 'Giao xử lý' });
    await waitCodes(firstId, ['01', '03', '04', '05']);
    await apiB.complete('thachkim.cv', firstAtB, 'handle', { result: 'Đã xử lý' });
    const all = await waitCodes(firstId, ['01', '03', '04', '05', '06']);
    assert.deepEqual(all, ['01', '03', '04', '05', '06']);
  });

  it('the same package delivered twice is stored once', async () => {
    const row = await a.dataSource.getRepository(ExchangeOutboxEntity).findOneByOrFail({ documentId: firstId });
    const bytes = await a.app.get(StorageService).get(row.packageSha256!);
    const signature = a.app.get(InstallationKey).sign(bytes);
    const before = (await receivedAtB()).length;
    const res = await fetch(`${b.url}/api/exchange/packages`, {
      method: 'POST',
      headers: { 'content-type': 'application/edxml+xml', 'x-edxml-signature': signature },
      body: bytes,
    });
    const answer = await res.json();
    assert.equal(res.status, 200, JSON.stringify(answer));
    assert.deepEqual(answer, { accepted: [], duplicate: true });
    assert.equal((await receivedAtB()).length, before);
  });

  it('update agreed (15), recall refused (16), then recall agreed (15): the copy is cancelled and kept', async () => {
    const ask = async (kind: string, reason: string) => {
      const res = await a.request('POST', `/api/exchange/documents/${firstId}/requests`, {
        as: 'snv.vanthu',
        body: { kind, reason },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return until(`${kind} request at B`, async () => (await receivedAtB('pending')).find((r) => r.kind === kind));
    };
    const decide = async (id: string, decision: string, note = '') => {
      const res = await b.request('POST', `/api/exchange/received/${id}/decision`, {
        as: 'thachkim.vanthu',
        body: { decision, note },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    };
    const update = await ask('update', 'Sửa lỗi chính tả ở trích yếu');
    assert.equal(update.documentId, firstAtB);
    await decide(update.id, 'agree');
    await until('15 at A', async () => (await codes(firstId)).filter((c) => c === '15').length === 1);

    const recall = await ask('recall', 'Ban hành nhầm');
    await decide(recall.id, 'refuse', 'Văn bản đã được xử lý xong');
    const withRefusal = await until('16 at A', async () => {
      const t = await timeline(firstId);
      return t[0].statuses.find((s) => s.code === '16');
    });
    assert.equal(withRefusal.description, 'Văn bản đã được xử lý xong');

    const again = await ask('recall', 'Thu hồi theo chỉ đạo');
    await decide(again.id, 'agree');
    await until('second 15 at A', async () => (await codes(firstId)).filter((c) => c === '15').length === 2);
    const doc = await docsApi(b).doc('thachkim.vanthu', firstAtB);
    assert.equal(doc.status, 'cancelled');
    // deciding twice is refused
    const twice = await b.request('POST', `/api/exchange/received/${again.id}/decision`, {
      as: 'thachkim.vanthu',
      body: { decision: 'refuse' },
    });
    assert.equal(twice.status, 409);
  });

  it('the recipient returns a document: 02 with the reason at the sender', async () => {
    const subject = 'Về việc gửi nhầm nơi nhận';
    const id = await issueOutgoing(a, subject, [thachKimAtA]);
    const got = await arrival(subject);
    const res = await b.request('POST', `/api/exchange/received/${got.id}/return`, {
      as: 'thachkim.vanthu',
      body: { reason: 'Không đúng thẩm quyền giải quyết' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const s = await until('02 at A', async () => (await timeline(id))[0]?.statuses.find((x) => x.code === '02'));
    assert.equal(s.description, 'Không đúng thẩm quyền giải quyết');
    assert.equal((await docsApi(b).doc('thachkim.vanthu', got.documentId)).status, 'returned');
    // no register task is left for the clerk
    assert.equal(await docsApi(b).task('thachkim.vanthu', got.documentId, 'register'), null);
  });

  let laterId = '';
  it('the peer is down during issuance: the failure shows, and it is delivered once the peer is back', async () => {
    await relay.down();
    const subject = 'Về việc báo cáo khi hệ thống nhận tạm ngừng';
    const id = await issueOutgoing(a, subject, [thachKimAtA]);
    laterId = id;
    const failing = await until('a failed attempt', async () => {
      const p = (await timeline(id))[0]?.packages[0];
      return p && p.attempts >= 1 && p.lastError ? p : null;
    });
    assert.equal(failing.state, 'pending');
    await relay.up();
    await arrival(subject);
    await waitCodes(id, ['01']);
    const sent = (await timeline(id))[0].packages[0];
    assert.equal(sent.state, 'sent');
    assert.equal(sent.lastError, null);
  });

  it('replace agreed: the copy is cancelled, the replacement is registered and reports 03 under the same DocumentId', async () => {
    const res = await a.request('POST', `/api/exchange/documents/${laterId}/requests`, {
      as: 'snv.vanthu',
      body: { kind: 'replace', reason: 'Thay thế do sai số liệu' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const request = await until('replace request', async () =>
      (await receivedAtB('pending')).find((r) => r.kind === 'replace'),
    );
    const decided = await b.request('POST', `/api/exchange/received/${request.id}/decision`, {
      as: 'thachkim.vanthu',
      body: { decision: 'agree' },
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const replacementId = decided.body.replacementId as string;
    assert.ok(replacementId && replacementId !== request.documentId);
    assert.equal((await docsApi(b).doc('thachkim.vanthu', request.documentId)).status, 'cancelled');
    await docsApi(b).complete('thachkim.vanthu', replacementId, 'register', { comment: 'Đã kiểm tra' });
    await waitCodes(laterId, ['01', '15', '03']);
  });

  it('another agency sees no timeline, and only a clerk of the sender asks for a recall', async () => {
    const other = await a.request('GET', `/api/exchange/documents/${firstId}`, { as: 'thachkim.vanthu' });
    assert.equal(other.status, 404);
    const staff = await a.request('POST', `/api/exchange/documents/${firstId}/requests`, {
      as: 'snv.cv',
      body: { kind: 'recall', reason: 'x' },
    });
    assert.equal(staff.status, 403);
    const notClerk = await b.request('GET', '/api/exchange/received', { as: 'camxuyen.vanthu' });
    assert.equal(notClerk.status, 200);
    assert.equal(notClerk.body.length, 0);
  });
});
