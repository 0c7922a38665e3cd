import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/common/clock.js';
import { UserEntity } from '../../src/modules/organizations/user.entity.js';
import { SigningService } from '../../src/modules/signing/index.js';
import { CaService } from '../../src/modules/signing/ca.service.js';
import { parseSignedData } from '../../src/modules/signing/cms.js';
import { CredentialsService } from '../../src/modules/signing/credentials.service.js';
import { analyzePdf } from '../../src/modules/signing/pdf-verify.js';
import { TimestampService } from '../../src/modules/signing/tsa-authority.js';
import { derToPem, pemToDer } from '../../src/modules/signing/x509.js';
import { DEMO_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { makePdf, PDFSIG, pdfsig, pdfsigBlocks } from './pdf-fixtures.js';

const OPENSSL = spawnSync('openssl', ['version']).status === 0;
const skipOpenssl = OPENSSL ? false : 'openssl missing';
const DAY = 24 * 3600_000;

/** The CMS of each signature, in file order (from the raw /Contents). */
function signatures(pdf: Buffer) {
  return [...pdf.toString('latin1').matchAll(/\/Contents\s*<([0-9a-fA-F]{200,})>/g)].map((m) =>
    parseSignedData(Buffer.from(m[1], 'hex')),
  );
}

/** Runs openssl asynchronously (it may call this very server: a synchronous child would block its event loop). */
async function openssl(args: string[], files: Record<string, Buffer>): Promise<{ status: number | null; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-openssl-'));
  try {
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
    const child = spawn('openssl', args, { cwd: dir });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { status, out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('signatures that hold for decades: built-in TSA, CRL/OCSP, PAdES B-LTA', () => {
  let t: TestApp;
  let signing: SigningService;
  const clock = new ManualClock(new Date('2026-11-25T03:00:00Z'));
  const user = (username: string) => t.dataSource.getRepository(UserEntity).findOneByOrFail({ username });
  let issued: Buffer;
  let lta: Buffer;

  before(async () => {
    t = await startTestApp({ clock });
    signing = t.app.get(SigningService);
  });
  after(() => t.close());

  it('with no TSA_URL, every signature carries a time-stamp of the built-in TSA, trusted under the installation CA', async () => {
    const chutich = await user('chutich');
    const vanthu = await user('vanthu');
    const person = await signing.signAsPerson({
      pdf: await makePdf(1),
      userId: chutich.id,
      pin: DEMO_PASSWORD,
      numberField: { page: 1, x: 60, y: 805, size: 13, width: 30 },
    });
    assert.equal(person.timestamped, true);
    clock.advance(60_000);
    const both = await signing.signAsAgency({
      pdf: person.pdf,
      agencyId: vanthu.agencyId,
      actorUserId: vanthu.id,
      number: '12',
      notation: 'QĐ-UBND',
      mode: 'seal-over-signature',
    });
    issued = both.pdf;
    const sigs = await signing.verifyPdf(issued);
    for (const s of sigs) {
      assert.equal(s.valid, true, s.problems.join('; '));
      assert.ok(s.timestamp);
      assert.deepEqual([s.timestamp.imprintValid, s.timestamp.signatureValid, s.timestamp.trusted], [true, true, true]);
      assert.match(s.timestamp.authority, /hoso Time-Stamping Authority/);
      assert.equal(s.pades, 'B-T');
      assert.equal(s.revocation.status, 'good');
    }
    assert.equal(sigs[0].timestamp!.time, '2026-11-25T03:00:00.000Z');
  });

  it(
    'each time-stamp token verifies with openssl ts -verify against the TSA chain; the TSA key purpose is timeStamping only',
    { skip: skipOpenssl },
    async () => {
      const root = derToPem(t.app.get(CaService).rootCertificate.der);
      for (const cms of signatures(issued)) {
        const token = cms.signer.timestampToken!;
        const r = await openssl(
          ['ts', '-verify', '-data', 'value.bin', '-in', 'token.der', '-token_in', '-CAfile', 'root.pem'],
          {
            'value.bin': cms.signer.signature,
            'token.der': token,
            'root.pem': Buffer.from(root),
          },
        );
        assert.equal(r.status, 0, r.out);
        assert.match(r.out, /Verification: OK/);
      }
      const tsa = t.app.get(TimestampService).certificate()!;
      const text = await openssl(['x509', '-in', 'tsa.pem', '-noout', '-ext', 'extendedKeyUsage'], {
        'tsa.pem': Buffer.from(derToPem(tsa.der)),
      });
      assert.match(text.out, /critical/);
      assert.match(text.out, /Time Stamping/);
    },
  );

  it(
    'the signer certificates name the CRL and OCSP URLs; the CRL verifies and OCSP answers good (openssl)',
    { skip: skipOpenssl },
    async () => {
      const chutich = await user('chutich');
      const cert = (await t.app.get(CredentialsService).usable('user', chutich.id)).certificatePem;
      const leaf = derToPem(pemToDer(cert)[0]);
      const root = derToPem(t.app.get(CaService).rootCertificate.der);
      const ext = await openssl(
        ['x509', '-in', 'leaf.pem', '-noout', '-ext', 'crlDistributionPoints,authorityInfoAccess'],
        {
          'leaf.pem': Buffer.from(leaf),
        },
      );
      assert.match(ext.out, new RegExp(`URI:${t.config.publicUrl}/api/pki/crl`));
      assert.match(ext.out, new RegExp(`OCSP - URI:${t.config.publicUrl}/api/pki/ocsp`));
      const crl = await fetch(`${t.url}/api/pki/crl`);
      assert.equal(crl.status, 200);
      assert.equal(crl.headers.get('content-type'), 'application/pkix-crl');
      const v = await openssl(['crl', '-inform', 'DER', '-in', 'crl.der', '-CAfile', 'root.pem', '-noout'], {
        'crl.der': Buffer.from(await crl.arrayBuffer()),
        'root.pem': Buffer.from(root),
      });
      assert.match(v.out, /verify OK/);
      // the test clock stands in 2026-11-25 whatever the machine's date: accept answers of any age
      const o = await openssl(
        [
          'ocsp',
          '-issuer',
          'root.pem',
          '-cert',
          'leaf.pem',
          '-url',
          `${t.url}/api/pki/ocsp`,
          '-CAfile',
          'root.pem',
          '-validity_period',
          '100000000',
        ],
        { 'leaf.pem': Buffer.from(leaf), 'root.pem': Buffer.from(root) },
      );
      assert.match(o.out, /Response verify OK/, o.out);
      assert.match(o.out, /leaf.pem: good/, o.out);
      // malformed and oversized requests get a clear answer, not a crash
      const bad = await fetch(`${t.url}/api/pki/ocsp`, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: Buffer.from('not der'),
      });
      assert.equal(bad.status, 200);
      assert.deepEqual([...Buffer.from(await bad.arrayBuffer())], [0x30, 0x03, 0x0a, 0x01, 0x01]);
      const big = await fetch(`${t.url}/api/pki/ocsp`, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: Buffer.alloc(100 * 1024),
      });
      assert.equal(big.status, 413);
    },
  );

  it('at transfer: DSS and a document time-stamp make every signature B-LTA, with only allowed changes; pdfsig still valid', async () => {
    clock.advance(DAY);
    lta = await signing.addLongTermValidation(issued);
    assert.ok(lta.subarray(0, issued.length).equals(issued));
    const sigs = await signing.verifyPdf(lta);
    assert.deepEqual(
      sigs.map((s) => [s.kind, s.valid, s.pades]),
      [
        ['person', true, 'B-LTA'],
        ['agency', true, 'B-LTA'],
        ['document-timestamp', true, null],
      ],
    );
    for (const s of sigs.slice(0, 2)) {
      assert.equal(s.changesAllowed, true, JSON.stringify(s.changesAfterSigning));
      assert.equal(s.revocation.source, 'dss-ocsp');
    }
    assert.deepEqual(sigs[1].changesAfterSigning.map((c) => c.kind).sort(), ['document-timestamp', 'dss']);
    assert.equal(sigs[1].modificationLevel, 'lta-updates');
    if (PDFSIG) {
      const blocks = pdfsigBlocks(pdfsig(lta));
      assert.equal(blocks.length, 3);
      for (const b of blocks.slice(0, 2)) assert.match(b, /Signature is Valid/);
    }
  });

  it('a signer certificate revoked after signing still verifies valid-at-signing from the DSS, with the CA offline', async () => {
    const phochutich = await user('phochutich');
    const vanthu = await user('vanthu');
    const person = await signing.signAsPerson({ pdf: await makePdf(1), userId: phochutich.id, pin: DEMO_PASSWORD });
    const both = await signing.signAsAgency({
      pdf: person.pdf,
      agencyId: vanthu.agencyId,
      actorUserId: vanthu.id,
      number: '13',
      notation: 'QĐ-UBND',
      mode: 'seal-over-signature',
    });
    clock.advance(3600_000);
    const credentials = t.app.get(CredentialsService);
    const cred = await credentials.usable('user', phochutich.id);
    await credentials.revoke(cred.id, 'key compromise', vanthu.id);
    clock.advance(3600_000);
    const pdf = await signing.addLongTermValidation(both.pdf);
    // verified elsewhere: only the trust anchor, no access to this installation's records or its CA
    const [first] = await analyzePdf(pdf, {
      anchors: [t.app.get(CaService).rootCertificate],
      lookup: async () => new Map(),
      now: clock.now(),
    });
    assert.equal(first.valid, true, first.problems.join('; '));
    assert.equal(first.revocation.status, 'revoked-after-signing');
    assert.equal(first.revocation.source, 'dss-ocsp');
    assert.equal(first.pades, 'B-LTA');
    // and a signature made after the revocation time would not be: the same data says revoked before it
    assert.ok(new Date(first.revocation.revokedAt!) > new Date(first.signedAt!));
  });

  it('after the signer certificate expired, the B-LTA document still verifies (clock five years on)', async () => {
    const later = new Date(clock.now().getTime() + 5 * 365 * DAY);
    const sigs = await analyzePdf(lta, {
      anchors: [t.app.get(CaService).rootCertificate],
      lookup: async () => new Map(),
      now: later,
    });
    const chutichCert = sigs[0];
    assert.ok(later > new Date('2029-11-26'), 'the 3-year certificate has expired by then');
    for (const s of sigs) assert.equal(s.valid, true, `${s.kind}: ${s.problems.join('; ')}`);
    assert.equal(chutichCert.pades, 'B-LTA');
  });
});
