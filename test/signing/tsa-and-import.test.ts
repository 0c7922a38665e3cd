import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import forge from 'node-forge';
import { UserEntity } from '../../src/modules/organizations/user.entity.js';
import { SigningService } from '../../src/modules/signing/index.js';
import { DEMO_PASSWORD, freshDatabase, startTestApp, type TestApp } from '../support/test-app.js';
import { makePdf, PDFSIG, pdfsig } from './pdf-fixtures.js';
import { startTsa, type TestTsa } from './tsa-fixture.js';

describe('RFC 3161 time-stamps and PKCS#12 import', () => {
  let t: TestApp;
  let tsa: TestTsa;
  let signing: SigningService;
  const user = (username: string) => t.dataSource.getRepository(UserEntity).findOneByOrFail({ username });

  before(async () => {
    tsa = await startTsa();
    t = await startTestApp({ env: { TSA_URL: tsa.url } });
    signing = t.app.get(SigningService);
  });
  after(async () => {
    await t.close();
    tsa.server.close();
  });

  it('given TSA_URL, when a leader signs, then the signature carries a time-stamp over its value', async () => {
    const snvLeader = await user('snv.giamdoc');
    const res = await signing.signAsPerson({ pdf: await makePdf(2), userId: snvLeader.id, pin: DEMO_PASSWORD });
    assert.equal(res.timestamped, true);
    assert.equal(tsa.requests.length, 1);
    const [sig] = await signing.verifyPdf(res.pdf);
    assert.equal(sig.valid, true, sig.problems.join('; '));
    assert.ok(sig.timestamp);
    assert.equal(sig.timestamp.imprintValid, true);
    assert.equal(sig.signedAt, sig.timestamp.time);
    if (PDFSIG) assert.match(pdfsig(res.pdf), /Signature is Valid/);
  });

  it('an administrator imports a PKCS#12 (RSA, Vietnamese name); it signs, and is trusted once its CA is a trust anchor', async () => {
    // A "real" CA outside hoso, with forge as a CA tool would build it (UTF8String names: trap 11).
    const keys = (bits: number) => {
      const k = generateKeyPairSync('rsa', { modulusLength: bits });
      return {
        priv: forge.pki.privateKeyFromPem(k.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
        pub: forge.pki.publicKeyFromPem(k.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
      };
    };
    const utf8 = forge.asn1.Type.UTF8 as unknown as string;
    const caName = [
      { shortName: 'C', value: 'VN' },
      { name: 'commonName', value: 'CA thử nghiệm Chính phủ', valueTagClass: utf8 },
    ];
    const ca = keys(2048);
    const caCert = forge.pki.createCertificate();
    caCert.publicKey = ca.pub;
    caCert.serialNumber = '01';
    caCert.validity.notBefore = new Date(Date.now() - 86400_000);
    caCert.validity.notAfter = new Date(Date.now() + 10 * 365 * 86400_000);
    caCert.setSubject(caName as forge.pki.CertificateField[]);
    caCert.setIssuer(caName as forge.pki.CertificateField[]);
    caCert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true },
    ]);
    caCert.sign(ca.priv, forge.md.sha256.create());
    const leaf = keys(2048);
    const leafCert = forge.pki.createCertificate();
    leafCert.publicKey = leaf.pub;
    leafCert.serialNumber = '0a1b2c';
    leafCert.validity.notBefore = new Date(Date.now() - 86400_000);
    leafCert.validity.notAfter = new Date(Date.now() + 365 * 86400_000);
    leafCert.setSubject([
      { shortName: 'C', value: 'VN' },
      { shortName: 'O', value: 'Sở Nội vụ', valueTagClass: utf8 },
      { name: 'commonName', value: 'Đặng Thị Thu Trang', valueTagClass: utf8 },
    ] as forge.pki.CertificateField[]);
    leafCert.setIssuer(caName as forge.pki.CertificateField[]);
    leafCert.setExtensions([{ name: 'keyUsage', digitalSignature: true, nonRepudiation: true }]);
    leafCert.sign(ca.priv, forge.md.sha256.create());
    const p12 = forge.asn1
      .toDer(forge.pkcs12.toPkcs12Asn1(leaf.priv, [leafCert, caCert], 'mat-khau-p12', { algorithm: '3des' }))
      .getBytes();

    const staff = await user('snv.cv');
    const form = new FormData();
    form.append('file', new Blob([Buffer.from(p12, 'binary')]), 'chu-ky.p12');
    form.append('userId', staff.id);
    form.append('password', 'mat-khau-p12');
    form.append('pin', '246810');
    const post = (f: FormData, as: string) =>
      t.token(as).then((token) =>
        fetch(`${t.url}/api/signing/certificates/import`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: f,
        }),
      );
    const wrong = new FormData();
    wrong.append('file', new Blob([Buffer.from(p12, 'binary')]), 'chu-ky.p12');
    wrong.append('userId', staff.id);
    wrong.append('password', 'sai-mat-khau');
    assert.equal((await post(wrong, 'admin')).status, 400);
    const res = await post(form, 'admin');
    assert.equal(res.status, 201, await res.clone().text());
    const view = (await res.json()) as { subject: string; commonName: string };
    assert.equal(view.commonName, 'Đặng Thị Thu Trang');

    const signed = await signing.signAsPerson({ pdf: await makePdf(1), userId: staff.id, pin: '246810' });
    let [sig] = await signing.verifyPdf(signed.pdf);
    assert.equal(sig.signer, 'Đặng Thị Thu Trang');
    assert.equal(sig.integrity && sig.signatureValid, true, sig.problems.join('; '));
    assert.equal(sig.trusted, false);
    assert.equal(sig.valid, false);
    writeFileSync(join(t.config.dataDir, 'ca', 'trust', 'ca-thu-nghiem.pem'), forge.pki.certificateToPem(caCert));
    [sig] = await signing.verifyPdf(signed.pdf);
    assert.equal(sig.trusted, true);
    assert.equal(sig.valid, true, sig.problems.join('; '));
    assert.equal(sig.chain[1], 'CN=CA thử nghiệm Chính phủ, C=VN');
    if (PDFSIG) {
      const out = pdfsig(signed.pdf);
      assert.match(out, /Signature is Valid/, out);
      assert.match(out, /Đặng Thị Thu Trang/, out);
    }
  });
});

describe('demo CA start-up and PINs', () => {
  it('a restart on the same data keeps the root and issues no duplicate keys; a user changes the PIN', async () => {
    const db = await freshDatabase();
    const first = await startTestApp({ db });
    const rows = async (t: TestApp) =>
      (await t.dataSource.query('SELECT owner_type, owner_id, fingerprint FROM signing_credential')) as {
        owner_type: string;
        fingerprint: string;
      }[];
    const before = await rows(first);
    assert.equal(before.filter((r) => r.owner_type === 'ca').length, 1);
    assert.ok(before.filter((r) => r.owner_type === 'agency').length >= 4);
    await first.app.close(); // keep DATA_DIR and database
    const second = await startTestApp({ db });
    try {
      const afterRestart = await rows(second);
      assert.deepEqual(afterRestart.map((r) => r.fingerprint).sort(), before.map((r) => r.fingerprint).sort());
      const wrong = await second.request('POST', '/api/signing/certificates/mine/pin', {
        as: 'tp.vp',
        body: { currentPin: 'sai-pin-000', newPin: 'pin-moi-999' },
      });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body.code, 'WRONG_PIN');
      const ok = await second.request('POST', '/api/signing/certificates/mine/pin', {
        as: 'tp.vp',
        body: { currentPin: DEMO_PASSWORD, newPin: 'pin-moi-999' },
      });
      assert.equal(ok.status, 204);
      const tp = await second.dataSource.getRepository(UserEntity).findOneByOrFail({ username: 'tp.vp' });
      const signing = second.app.get(SigningService);
      await assert.rejects(signing.signAsPerson({ pdf: await makePdf(1), userId: tp.id, pin: DEMO_PASSWORD }));
      const res = await signing.signAsPerson({ pdf: await makePdf(1), userId: tp.id, pin: 'pin-moi-999' });
      assert.equal((await signing.verifyPdf(res.pdf))[0].valid, true);
    } finally {
      await second.close();
    }
  });
});
