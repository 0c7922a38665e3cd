import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { buildEdoc, parsePackage, sha256hex, type Edoc } from '../../src/modules/exchange/edxml.js';
import { ExchangeReceivedEntity } from '../../src/modules/exchange/exchange.entity.js';
import { SigningService } from '../../src/modules/signing/index.js';
import { makePdf } from '../signing/pdf-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { docsApi } from './documents.helpers.js';
import { until } from './exchange-support.js';

const PEER = '000.00.00.G09'; // a hoso installation elsewhere (direct)
const AXIS_PEER = '000.00.00.G22'; // an agency reached through the national axis (vxp)
const UBND = '000.00.00.H42';
const SYSTEM_ID = 'hoso-ha-tinh';
const SECRET = 's3cret-of-the-axis';

/**
 * Stand-in for the national axis (VXP), implementing the service shape of its public SDK samples: sendEdoc,
 * getReceivedEdocList, getEdoc, updateStatus, every call authenticated by system id + secret headers. Not the
 * real service (unreachable here); README says so.
 */
class AxisStandIn {
  server: Server;
  url = '';
  /** Packages waiting for our system. */
  inbox: { docId: string; content: string; messagetype: string }[] = [];
  sent: { to: string; from: string; messagetype: string; content: Buffer }[] = [];
  statuses: { docId: string; status: string; description: string }[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const answer = (status: number, json: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(json));
        };
        if (req.headers.systemid !== SYSTEM_ID || req.headers.secret !== SECRET)
          return answer(401, { status: 'FAIL', errorCode: '401', errorDesc: 'unauthorised' });
        const b = body ? JSON.parse(body) : {};
        switch (req.url) {
          case '/sendEdoc':
            this.sent.push({
              to: b.to,
              from: String(req.headers.from),
              messagetype: String(req.headers.messagetype),
              content: Buffer.from(b.content, 'base64'),
            });
            return answer(200, { status: 'OK', docId: `axis-${this.sent.length}` });
          case '/getReceivedEdocList':
            return answer(200, {
              status: 'OK',
              data: this.inbox
                .filter((x) => x.messagetype === req.headers.messagetype)
                .map((x) => ({ docId: x.docId })),
            });
          case '/getEdoc': {
            const item = this.inbox.find((x) => x.docId === b.docId);
            return item
              ? answer(200, { status: 'OK', data: { content: item.content } })
              : answer(404, { status: 'FAIL' });
          }
          case '/updateStatus':
            this.statuses.push(b);
            this.inbox = this.inbox.filter((x) => x.docId !== b.docId);
            return answer(200, { status: 'OK' });
          default:
            return answer(404, { status: 'FAIL' });
        }
      });
    });
  }

  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }
}

describe('exchange: hostile packages refused with nothing stored; the vxp adapter against a stand-in axis', () => {
  let t: TestApp;
  let axis: AxisStandIn;
  let peerKey: KeyObject;
  let signedPdf: Buffer;

  const edoc = (over: Partial<Edoc['header']> = {}, pdf = signedPdf, kind: Edoc['business']['kind'] = 'new'): Edoc => ({
    header: {
      from: { organId: PEER, organName: 'Bộ Nội vụ' },
      to: [{ organId: UBND, organName: 'UBND tỉnh Hà Tĩnh' }],
      documentId: `${PEER},2026/12/01,55/BNV-VP`,
      codeNumber: '55',
      codeNotation: 'BNV-VP',
      place: 'Hà Nội',
      promulgationDate: '2026-12-01',
      typeCode: 'CV',
      typeName: 'Công văn',
      subject: 'Về việc hướng dẫn lập hồ sơ điện tử',
      content: '',
      signerCompetence: '',
      signerPosition: 'Thứ trưởng',
      signerName: 'Nguyễn Văn Ký',
      dueDate: '',
      toPlaces: ['UBND tỉnh Hà Tĩnh'],
      priority: 0,
      steeringType: 0,
      promulgationAmount: 1,
      pageAmount: 1,
      ...over,
    },
    trace: [{ organId: over.from?.organId ?? PEER, timestamp: '2026-12-01T03:00:00Z' }],
    business: { kind, reason: kind === 'new' ? '' : 'Lý do', paper: false, staff: {} },
    attachments: [
      { contentId: 'vb1', contentType: 'application/pdf', name: '55-BNV-VP.pdf', description: '', data: pdf },
    ],
  });
  const post = (bytes: Buffer, key: KeyObject | null = peerKey) =>
    fetch(`${t.url}/api/exchange/packages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/edxml+xml',
        ...(key ? { 'x-edxml-signature': sign(null, bytes, key).toString('base64') } : {}),
      },
      body: bytes,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  const stored = () => t.dataSource.getRepository(ExchangeReceivedEntity).count();

  before(async () => {
    axis = new AxisStandIn();
    await axis.start();
    t = await startTestApp({
      env: {
        EXCHANGE_VXP_URL: axis.url,
        EXCHANGE_VXP_SYSTEM_ID: SYSTEM_ID,
        EXCHANGE_VXP_SECRET: SECRET,
        EXCHANGE_VXP_POLL_MS: '150',
        EXCHANGE_LOOP_MS: '100',
        EXCHANGE_RETRY_BASE_MS: '60000',
        EXCHANGE_MAX_MB: '1',
      },
    });
    peerKey = generateKeyPairSync('ed25519').privateKey;
    const pem = createPublicKey(peerKey).export({ type: 'spki', format: 'pem' });
    for (const body of [
      {
        organId: PEER,
        name: 'Bộ Nội vụ',
        adapter: 'direct',
        endpointUrl: 'http://127.0.0.1:9/api/exchange/packages',
        publicKey: pem,
      },
      { organId: AXIS_PEER, name: 'Văn phòng Chính phủ', adapter: 'vxp' },
    ]) {
      const res = await t.request('POST', '/api/exchange/peers', { as: 'admin', body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    // a PDF signed by a person of this installation (a real PAdES signature, as a peer's would be)
    const chutich = await docsApi(t).me('chutich');
    const signing = t.app.get(SigningService);
    await signing.ensureUserCertificate(chutich.id, { pin: 'hoso-demo' });
    signedPdf = (await signing.signAsPerson({ pdf: await makePdf(1), userId: chutich.id, pin: 'hoso-demo' })).pdf;
  });
  after(async () => {
    await t?.close();
    axis?.server.close();
  });

  it('refuses DTD/entities, wrong or missing digests, oversize, unknown and spoofed senders, broken PDF signatures', async () => {
    const ok = buildEdoc(edoc()).toString();
    const cases: [string, Buffer, KeyObject | null, number, string][] = [
      [
        'DTD',
        Buffer.from(ok.replace('?>', '?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>')),
        peerKey,
        400,
        'EXCHANGE_PACKAGE_INVALID',
      ],
      ['entity', Buffer.from(ok.replace('Công văn', '&x;')), peerKey, 400, 'EXCHANGE_PACKAGE_INVALID'],
      [
        'wrong digest',
        Buffer.from(ok.replace(sha256hex(signedPdf), sha256hex(Buffer.from('x')))),
        peerKey,
        400,
        'EXCHANGE_PACKAGE_INVALID',
      ],
      [
        'no digest',
        Buffer.from(ok.replace(/<edXML:Digest[^>]*>[0-9a-f]+<\/edXML:Digest>/, '')),
        peerKey,
        400,
        'EXCHANGE_PACKAGE_INVALID',
      ],
      [
        'oversized',
        Buffer.concat([Buffer.from(ok), Buffer.alloc(1024 * 1024 + 10, 0x20)]),
        peerKey,
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'unknown sender',
        buildEdoc(edoc({ from: { organId: '000.00.00.G77', organName: 'Ai đó' } })),
        peerKey,
        403,
        'EXCHANGE_SENDER_UNKNOWN',
      ],
      [
        'spoofed sender (another key)',
        Buffer.from(ok),
        generateKeyPairSync('ed25519').privateKey,
        403,
        'EXCHANGE_SIGNATURE_INVALID',
      ],
      ['no package signature', Buffer.from(ok), null, 403, 'EXCHANGE_SIGNATURE_INVALID'],
      [
        'axis organ over direct',
        buildEdoc(edoc({ from: { organId: AXIS_PEER, organName: 'VPCP' } })),
        peerKey,
        403,
        'EXCHANGE_SENDER_UNKNOWN',
      ],
      [
        'recipient not here',
        buildEdoc(edoc({ to: [{ organId: '000.00.00.A01', organName: 'x' }] })),
        peerKey,
        404,
        'EXCHANGE_RECIPIENT_UNKNOWN',
      ],
      ['recall of nothing', buildEdoc(edoc({}, signedPdf, 'recall')), peerKey, 404, 'EXCHANGE_ORIGINAL_UNKNOWN'],
      ['unsigned PDF', buildEdoc(edoc({}, await makePdf(1))), peerKey, 422, 'EXCHANGE_PDF_SIGNATURE_INVALID'],
      [
        'not a PDF',
        buildEdoc(edoc({}, Buffer.from('%PDF-1.7 garbage'))),
        peerKey,
        422,
        'EXCHANGE_PDF_SIGNATURE_INVALID',
      ],
    ];
    // a byte inside the signed range changed: the signature no longer covers what is there
    const broken = Buffer.from(signedPdf);
    const at = broken.indexOf('/Type /Page') > 0 ? broken.indexOf('/Type /Page') : 200;
    broken[at + 1] = broken[at + 1] === 0x54 ? 0x55 : 0x54;
    cases.push(['broken PDF signature', buildEdoc(edoc({}, broken)), peerKey, 422, 'EXCHANGE_PDF_SIGNATURE_INVALID']);
    for (const [name, bytes, key, status, code] of cases) {
      const res = await post(bytes, key);
      assert.equal(res.status, status, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, code, name);
      assert.ok(typeof res.body.message === 'string' && res.body.message.length > 0);
    }
    assert.equal(await stored(), 0);
    const incoming = await t.request('GET', '/api/documents?direction=incoming', { as: 'vanthu' });
    assert.equal(incoming.body.total, 0);
  });

  it('a valid package is stored once, and only the receiving agency’s clerk sees and decides on it', async () => {
    const bytes = buildEdoc(edoc());
    const res = await post(bytes);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await post(bytes)).body.duplicate, true);
    assert.equal(await stored(), 1);
    const mine = await t.request('GET', '/api/exchange/received', { as: 'vanthu' });
    assert.equal(mine.body.length, 1);
    const id = mine.body[0].id;
    const other = await t.request('GET', '/api/exchange/received', { as: 'snv.vanthu' });
    assert.deepEqual(other.body, []);
    for (const [path, body] of [
      [`/api/exchange/received/${id}/return`, { reason: 'x' }],
      [`/api/exchange/received/${id}/decision`, { decision: 'agree' }],
    ] as const) {
      const r = await t.request('POST', path, { as: 'snv.vanthu', body });
      assert.equal(r.status, 404, JSON.stringify(r.body));
    }
    assert.equal((await t.request('GET', '/api/exchange/received', { as: 'cv.vp' })).status, 403);
    assert.equal(
      (await t.request('POST', '/api/exchange/received/not-a-uuid/return', { as: 'vanthu', body: { reason: 'x' } }))
        .status,
      400,
    );
    const noReason = await t.request('POST', `/api/exchange/received/${id}/return`, {
      as: 'vanthu',
      body: { reason: '' },
    });
    assert.equal(noReason.status, 400);
    const tooLong = await t.request('POST', `/api/exchange/received/${id}/return`, {
      as: 'vanthu',
      body: { reason: 'x'.repeat(2001) },
    });
    assert.equal(tooLong.status, 400);
  });

  it('the directory is administrators’ only, validated, and a wrong CSV line writes nothing', async () => {
    assert.equal((await t.request('GET', '/api/exchange/peers', { as: 'vanthu' })).status, 403);
    // an agency's own administrator does not edit the installation's directory
    assert.equal((await t.request('GET', '/api/exchange/peers', { as: 'snv.admin' })).status, 403);
    const bySnvAdmin = await t.request('POST', '/api/exchange/peers', {
      as: 'snv.admin',
      body: { organId: '000.00.00.G12', name: 'x', adapter: 'vxp' },
    });
    assert.equal(bySnvAdmin.status, 403);
    const bad = await t.request('POST', '/api/exchange/peers', {
      as: 'admin',
      body: { organId: '000.00.00.G10', name: 'x', adapter: 'direct', endpointUrl: 'ftp://x', publicKey: 'not a key' },
    });
    assert.equal(bad.status, 400);
    const dup = await t.request('POST', '/api/exchange/peers', {
      as: 'admin',
      body: { organId: PEER, name: 'x', adapter: 'vxp' },
    });
    assert.equal(dup.status, 409);
    const csv = `organId,name,adapter,endpointUrl,publicKey\n000.00.00.G11,Bộ A,vxp,,\nnot-an-id,Bộ B,vxp,,\n`;
    const imp = await t.request('POST', '/api/exchange/peers/import', {
      as: 'admin',
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(imp.status, 400);
    assert.match(imp.body.message, /3/);
    const list = await t.request('GET', '/api/exchange/peers', { as: 'admin' });
    assert.ok(!list.body.some((p: { organId: string }) => p.organId === '000.00.00.G11'));
  });

  it('vxp: polls the axis, acknowledges done / fail, and sends status 01 back through sendEdoc', async () => {
    const good = buildEdoc(
      edoc({
        from: { organId: AXIS_PEER, organName: 'Văn phòng Chính phủ' },
        documentId: `${AXIS_PEER},2026/12/02,9/VPCP-TH`,
      }),
    );
    const bad = Buffer.from(good.toString().replace(sha256hex(signedPdf), sha256hex(Buffer.from('y'))));
    axis.inbox.push(
      { docId: 'axis-in-1', content: good.toString('base64'), messagetype: 'edoc' },
      { docId: 'axis-in-2', content: bad.toString('base64'), messagetype: 'edoc' },
    );
    await until('both acknowledged', async () => axis.statuses.length >= 2);
    assert.deepEqual(axis.statuses.map((s) => [s.docId, s.status]).sort(), [
      ['axis-in-1', 'done'],
      ['axis-in-2', 'fail'],
    ]);
    assert.match(axis.statuses.find((s) => s.docId === 'axis-in-2')!.description, /EXCHANGE_PACKAGE_INVALID/);
    const back = await until('status 01 sent to the axis', async () =>
      axis.sent.find((s) => s.messagetype === 'status'),
    );
    assert.equal(back.to, AXIS_PEER);
    assert.equal(back.from, UBND);
    const p = parsePackage(back.content, 1024 * 1024);
    assert.equal(p.kind, 'status');
    if (p.kind === 'status') {
      assert.equal(p.status.statusCode, '01');
      assert.equal(p.status.responseFor.documentId, `${AXIS_PEER},2026/12/02,9/VPCP-TH`);
    }
    const mine = await t.request('GET', '/api/exchange/received', { as: 'vanthu' });
    assert.equal(mine.body.filter((r: { sender: { organId: string } }) => r.sender.organId === AXIS_PEER).length, 1);
  });
});
