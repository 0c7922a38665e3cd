import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString } from 'pdf-lib';
import { ManualClock } from '../../src/common/clock.js';
import { DomainError, STATUS_OF_KIND } from '../../src/common/domain-error.js';
import { AuditEventEntity } from '../../src/modules/audit/audit-event.entity.js';
import { UserEntity } from '../../src/modules/organizations/user.entity.js';
import { SigningService } from '../../src/modules/signing/index.js';
import { openForUpdate, writeIncrementalUpdate } from '../../src/modules/signing/pdf-incremental.js';
import { DEMO_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { makePdf, PDFSIG, pdfsig, pdfsigBlocks, PDFTOTEXT, pdftotext } from './pdf-fixtures.js';

const skipPdfsig = PDFSIG ? false : 'pdfsig missing';
const skipPdftotext = PDFTOTEXT ? false : 'pdftotext missing (poppler-utils)';

function rejectsWith(code: string, status: number) {
  return (e: unknown) => {
    assert.ok(e instanceof DomainError, String(e));
    assert.equal(e.code, code);
    assert.equal(STATUS_OF_KIND[e.kind], status);
    return true;
  };
}

describe('digital signatures: signer, then agency (PAdES), verification', () => {
  let t: TestApp;
  let signing: SigningService;
  const clock = new ManualClock(new Date('2026-11-25T03:00:00Z'));
  const user = async (username: string) => t.dataSource.getRepository(UserEntity).findOneByOrFail({ username });
  const auditCount = (action: string) => t.dataSource.getRepository(AuditEventEntity).countBy({ action });
  let personSigned: Buffer;
  let bothSigned: Buffer;
  let numbered: Buffer;

  before(async () => {
    t = await startTestApp({ clock });
    signing = t.app.get(SigningService);
  });
  after(() => t.close());

  it('given a 3-page PDF, when the chairman signs, then the signature is valid with his Vietnamese name', async () => {
    const chutich = await user('chutich');
    const res = await signing.signAsPerson({
      pdf: await makePdf(3),
      userId: chutich.id,
      pin: DEMO_PASSWORD,
      reason: 'Ký ban hành văn bản',
      location: 'Hà Tĩnh',
    });
    personSigned = res.pdf;
    assert.equal(res.signerName, 'Nguyễn Văn Ký');
    assert.match(res.certificateSubject, /^CN=Nguyễn Văn Ký, O=Ủy ban nhân dân tỉnh Hà Tĩnh/);
    const [sig] = await signing.verifyPdf(personSigned);
    assert.equal(sig.signer, 'Nguyễn Văn Ký');
    assert.equal(sig.kind, 'person');
    assert.equal(sig.valid, true, sig.problems.join('; '));
    assert.equal(sig.trusted, true);
    assert.equal(sig.reachesEndOfFile, true);
    assert.equal(sig.reason, 'Ký ban hành văn bản');
    assert.equal(sig.signedAt, '2026-11-25T03:00:00.000Z');
  });

  it('when the clerk applies the agency signature, then both signatures stay valid (incremental update)', async () => {
    const vanthu = await user('vanthu');
    clock.advance(60_000);
    const res = await signing.signAsAgency({
      pdf: personSigned,
      agencyId: vanthu.agencyId,
      actorUserId: vanthu.id,
      number: 15,
      notation: 'QĐ-UBND',
      mode: 'seal-over-signature',
    });
    bothSigned = res.pdf;
    assert.ok(bothSigned.subarray(0, personSigned.length).equals(personSigned), 'the first revision is untouched');
    assert.equal(res.signerName, 'Ủy ban nhân dân tỉnh Hà Tĩnh');
    const [first, second] = await signing.verifyPdf(bothSigned);
    assert.equal(first.valid, true, first.problems.join('; '));
    assert.equal(first.coversWholeDocument, true);
    assert.equal(first.reachesEndOfFile, false);
    assert.equal(first.modifiedAfterSigning, false);
    assert.equal(second.valid, true, second.problems.join('; '));
    assert.equal(second.kind, 'agency');
    assert.equal(second.certificateSubject, 'CN=Ủy ban nhân dân tỉnh Hà Tĩnh, O=Ủy ban nhân dân tỉnh Hà Tĩnh, C=VN');
    assert.equal(second.reachesEndOfFile, true);
    assert.ok((await auditCount('signing.signed')) >= 1);
    assert.ok((await auditCount('signing.agency-signed')) >= 1);
  });

  it(
    'then poppler pdfsig reports both signatures valid, the last one over the total document',
    { skip: skipPdfsig },
    () => {
      const out = pdfsig(bothSigned);
      const blocks = pdfsigBlocks(out);
      assert.equal(blocks.length, 2, out);
      for (const b of blocks) assert.match(b, /Signature is Valid/, out);
      assert.match(blocks[0], /Nguyễn Văn Ký/, out);
      assert.match(blocks[1], /Ủy ban nhân dân tỉnh Hà Tĩnh/, out);
      assert.match(blocks[1], /Total document signed/, out);
      assert.match(blocks[0], /ETSI\.CAdES\.detached/, out);
    },
  );

  it('when one byte inside the signed range changes, then both verifiers report the document as modified', async () => {
    const tampered = Buffer.from(bothSigned);
    const at = tampered.indexOf('/MediaBox');
    assert.ok(at > 0);
    tampered[at + 1] = 'm'.charCodeAt(0); // "/mediaBox": inside the first byte range of both signatures
    const sigs = await signing.verifyPdf(tampered);
    assert.equal(sigs.length, 2);
    for (const s of sigs) {
      assert.equal(s.integrity, false);
      assert.equal(s.valid, false);
      assert.equal(s.modifiedAfterSigning, true);
    }
    if (PDFSIG) {
      const blocks = pdfsigBlocks(pdfsig(tampered));
      assert.equal(blocks.length, 2);
      for (const b of blocks) {
        assert.doesNotMatch(b, /Signature is Valid/);
        assert.match(b, /Digest Mismatch|Signature is Invalid/);
      }
    }
  });

  it('given a number field prepared when the chairman signed, when the clerk applies the agency signature, then the number fills it and a strict modification check allows every change', async () => {
    const vanthu = await user('vanthu');
    const chutich = await user('chutich');
    // given a 2-page document signed on page 2 whose number was left blank (taken after signing, art. 15)
    const numberSlot = { page: 1, x: 60, y: 805, size: 13, width: 30 };
    const person = await signing.signAsPerson({
      pdf: await makePdf(2),
      userId: chutich.id,
      pin: DEMO_PASSWORD,
      numberField: numberSlot,
    });
    const [certified] = await signing.verifyPdf(person.pdf);
    assert.equal(certified.docMdp, 2, 'the first signature certifies with form filling allowed');
    // when
    const res = await signing.signAsAgency({
      pdf: person.pdf,
      agencyId: vanthu.agencyId,
      actorUserId: vanthu.id,
      number: '07',
      notation: 'QĐ-UBND',
      mode: 'seal-over-signature',
      numberSlot,
    });
    // then the earlier revision is untouched and our verifier accepts both, change by change
    assert.ok(res.pdf.subarray(0, person.pdf.length).equals(person.pdf));
    const sigs = await signing.verifyPdf(res.pdf);
    assert.equal(sigs.length, 2);
    for (const s of sigs) assert.equal(s.valid, true, s.problems.join('; '));
    assert.equal(sigs[0].changesAllowed, true);
    assert.equal(sigs[0].modificationLevel, 'form-filling');
    assert.deepEqual(sigs[0].changesAfterSigning.map((c) => [c.kind, c.allowed]).sort(), [
      ['form-fill', true],
      ['signature-field', true],
    ]);
    assert.deepEqual(sigs[1].changesAfterSigning, []);
    assert.equal(sigs[1].kind, 'agency');
    assert.match(sigs[1].fieldName ?? '', /^hoso-agency-/);
    // and page 1 has the filled number field over the slot, no stamp annotation; the seal stays on page 2
    const doc = await PDFDocument.load(res.pdf);
    const annots = doc
      .getPages()
      .map((p) =>
        (p.node.lookupMaybe(PDFName.of('Annots'), PDFArray)?.asArray() ?? []).map((r) =>
          doc.context.lookup(r, PDFDict),
        ),
      );
    assert.equal(annots[0].filter((a) => a.get(PDFName.of('Subtype')) === PDFName.of('Stamp')).length, 0);
    const field = annots[0].find((a) => a.get(PDFName.of('FT')) === PDFName.of('Tx'));
    assert.ok(field, 'a number field on page 1');
    assert.equal(field.lookup(PDFName.of('V'), PDFHexString).decodeText(), '07/QĐ-UBND');
    const [x1, y1, x2, y2] = field
      .lookup(PDFName.of('Rect'), PDFArray)
      .asArray()
      .map((n) => (n as PDFNumber).asNumber());
    assert.ok(x1 <= numberSlot.x + 1 && x2 >= numberSlot.x + numberSlot.width - 1, `${x1}..${x2}`);
    assert.ok(y1 < numberSlot.y && y2 > numberSlot.y, `${y1}..${y2}`);
    assert.equal(annots[1].filter((a) => a.get(PDFName.of('FT')) === PDFName.of('Sig')).length, 2);
    numbered = res.pdf;
  });

  it('when an annotation is added after the signatures, then the check reports it as not allowed and both signatures invalid', async () => {
    const upd = await openForUpdate(numbered);
    const page = upd.doc.getPage(0);
    const note = upd.doc.context.register(
      upd.doc.context.obj({ Type: 'Annot', Subtype: 'Text', Rect: [10, 10, 30, 30], Contents: PDFString.of('sửa') }),
    );
    page.node.lookup(PDFName.of('Annots'), PDFArray).push(note);
    const annotated = writeIncrementalUpdate(upd);
    const sigs = await signing.verifyPdf(annotated);
    for (const s of sigs) {
      assert.equal(s.valid, false);
      assert.equal(s.integrity, true, 'the signed bytes are intact: pdfsig alone would pass');
      assert.equal(s.changesAllowed, false);
      assert.equal(s.modificationLevel, 'other');
      assert.ok(
        s.changesAfterSigning.some((c) => c.kind === 'annotation' && !c.allowed && /Text/.test(c.detail)),
        JSON.stringify(s.changesAfterSigning),
      );
    }
  });

  it('a document signed without a number field gets the number as a stamp annotation, which the check does not allow after the personal signature', async () => {
    const vanthu = await user('vanthu');
    const chutich = await user('chutich');
    const person = await signing.signAsPerson({ pdf: await makePdf(1), userId: chutich.id, pin: DEMO_PASSWORD });
    const res = await signing.signAsAgency({
      pdf: person.pdf,
      agencyId: vanthu.agencyId,
      actorUserId: vanthu.id,
      number: '08',
      notation: 'QĐ-UBND',
      mode: 'seal-over-signature',
      numberSlot: { page: 1, x: 60, y: 805, size: 13, width: 30 },
    });
    const [first, second] = await signing.verifyPdf(res.pdf);
    assert.equal(first.changesAllowed, false);
    assert.ok(first.changesAfterSigning.some((c) => c.kind === 'annotation' && /Stamp/.test(c.detail)));
    assert.equal(second.valid, true, second.problems.join('; '));
  });

  it('then poppler pdfsig reports both signatures of the numbered document valid', { skip: skipPdfsig }, () => {
    const out = pdfsig(numbered);
    const blocks = pdfsigBlocks(out);
    assert.equal(blocks.length, 2, out);
    for (const b of blocks) assert.match(b, /Signature is Valid/, out);
    assert.match(blocks[1], /Total document signed/, out);
  });

  it('then the number is in the text of page 1 (pdftotext)', { skip: skipPdftotext }, () => {
    assert.match(pdftotext(numbered, 1), /\b07\b/);
  });

  it('a number slot outside the document is refused (400 PAGE_OUT_OF_RANGE)', async () => {
    const vanthu = await user('vanthu');
    await assert.rejects(
      signing.signAsAgency({
        pdf: personSigned,
        agencyId: vanthu.agencyId,
        actorUserId: vanthu.id,
        number: 15,
        notation: 'QĐ-UBND',
        mode: 'seal-over-signature',
        numberSlot: { page: 9, x: 60, y: 800, size: 13 },
      }),
      rejectsWith('PAGE_OUT_OF_RANGE', 400),
    );
  });

  it('the agency signature is refused on a document the competent person has not signed', async () => {
    const vanthu = await user('vanthu');
    await assert.rejects(
      signing.signAsAgency({
        pdf: await makePdf(2),
        agencyId: vanthu.agencyId,
        actorUserId: vanthu.id,
        number: 16,
        notation: 'QĐ-UBND',
        mode: 'seal-over-signature',
      }),
      rejectsWith('NO_PERSONAL_SIGNATURE', 422),
    );
  });

  it('a separate attachment gets the agency signature top right of page 1 (classic xref file)', async () => {
    const vanthu = await user('vanthu');
    const res = await signing.signAsAgency({
      pdf: await makePdf(2, { objectStreams: false }),
      agencyId: vanthu.agencyId,
      actorUserId: vanthu.id,
      number: 15,
      notation: 'QĐ-UBND',
      mode: 'attachment-corner',
    });
    const [sig] = await signing.verifyPdf(res.pdf);
    assert.equal(sig.valid, true, sig.problems.join('; '));
    assert.equal(sig.fieldName, 'hoso-agency-1');
    if (PDFSIG) assert.match(pdfsig(res.pdf), /Signature is Valid/);
  });

  it('a wrong PIN is refused (403 WRONG_PIN) and nothing is signed or recorded', async () => {
    const chutich = await user('chutich');
    const before = await auditCount('signing.signed');
    await assert.rejects(
      signing.signAsPerson({ pdf: await makePdf(1), userId: chutich.id, pin: 'not-the-pin' }),
      rejectsWith('WRONG_PIN', 403),
    );
    assert.equal(await auditCount('signing.signed'), before);
  });

  it('after 5 wrong PINs the key is locked for 15 minutes (429 PIN_LOCKED), even with the right PIN', async () => {
    const leader = await user('snv.giamdoc');
    const pdf = await makePdf(1);
    for (let i = 0; i < 5; i++)
      await assert.rejects(
        signing.signAsPerson({ pdf, userId: leader.id, pin: `wrong-${i}` }),
        rejectsWith('WRONG_PIN', 403),
      );
    await assert.rejects(
      signing.signAsPerson({ pdf, userId: leader.id, pin: DEMO_PASSWORD }),
      rejectsWith('PIN_LOCKED', 429),
    );
    clock.advance(16 * 60_000);
    const res = await signing.signAsPerson({ pdf, userId: leader.id, pin: DEMO_PASSWORD });
    assert.equal((await signing.verifyPdf(res.pdf))[0].valid, true);
  });

  it('input that is not a PDF is refused with 400 NOT_A_PDF, by the service and by the HTTP endpoint', async () => {
    const chutich = await user('chutich');
    await assert.rejects(
      signing.signAsPerson({ pdf: Buffer.from('hello, not a pdf'.repeat(20)), userId: chutich.id, pin: DEMO_PASSWORD }),
      rejectsWith('NOT_A_PDF', 400),
    );
    const truncated = (await makePdf(1)).subarray(0, 900);
    await assert.rejects(
      signing.signAsPerson({ pdf: truncated, userId: chutich.id, pin: DEMO_PASSWORD }),
      rejectsWith('NOT_A_PDF', 400),
    );
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('not a pdf')]), 'x.pdf');
    const res = await fetch(`${t.url}/api/signatures/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token('cv.vp')}` },
      body: form,
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { code: string }).code, 'NOT_A_PDF');
  });

  it('POST /api/signatures/verify returns each signature for any authenticated user', async () => {
    const form = new FormData();
    form.append('file', new Blob([bothSigned]), 'signed.pdf');
    const res = await fetch(`${t.url}/api/signatures/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token('snv.cv')}` },
      body: form,
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { signer: string; valid: boolean; coversWholeDocument: boolean }[];
    assert.deepEqual(
      body.map((s) => [s.signer, s.valid, s.coversWholeDocument]),
      [
        ['Nguyễn Văn Ký', true, true],
        ['Ủy ban nhân dân tỉnh Hà Tĩnh', true, true],
      ],
    );
  });

  it('a revoked certificate cannot sign (422); an administrator issues a new one', async () => {
    const phochutich = await user('phochutich');
    const mine = await t.request('GET', '/api/signing/certificates/mine', { as: 'phochutich' });
    assert.equal(mine.status, 200);
    const cert = mine.body.find((c: { status: string }) => c.status === 'active');
    assert.match(cert.subject, /^CN=Trần Thị Hồng Nhung, O=Ủy ban nhân dân tỉnh Hà Tĩnh/);
    assert.equal(
      (await t.request('POST', `/api/signing/certificates/${cert.id}/revoke`, { as: 'cv.vp', body: {} })).status,
      403,
    );
    const revoked = await t.request('POST', `/api/signing/certificates/${cert.id}/revoke`, {
      as: 'admin',
      body: { reason: 'keyCompromise' },
    });
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.status, 'revoked');
    const pdf = await makePdf(1);
    await assert.rejects(
      signing.signAsPerson({ pdf, userId: phochutich.id, pin: DEMO_PASSWORD }),
      rejectsWith('CERTIFICATE_REVOKED', 422),
    );
    const issued = await t.request('POST', '/api/signing/certificates', {
      as: 'admin',
      body: { userId: phochutich.id, pin: 'pin-moi-1234' },
    });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    const res = await signing.signAsPerson({ pdf, userId: phochutich.id, pin: 'pin-moi-1234' });
    assert.equal((await signing.verifyPdf(res.pdf))[0].valid, true);
  });

  it('a user without a certificate cannot sign (422 NO_CERTIFICATE)', async () => {
    const cv = await user('cv.vp');
    await assert.rejects(
      signing.signAsPerson({ pdf: await makePdf(1), userId: cv.id, pin: DEMO_PASSWORD }),
      rejectsWith('NO_CERTIFICATE', 422),
    );
  });

  it('an expired certificate cannot sign (422 CERTIFICATE_EXPIRED)', async () => {
    const chutich = await user('chutich');
    const now = clock.now();
    clock.advance(4 * 366 * 24 * 3600 * 1000);
    try {
      await assert.rejects(
        signing.signAsPerson({ pdf: await makePdf(1), userId: chutich.id, pin: DEMO_PASSWORD }),
        rejectsWith('CERTIFICATE_EXPIRED', 422),
      );
    } finally {
      clock.set(now);
    }
  });
});
