import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildEdoc } from '../../src/modules/exchange/edxml.js';
import { SigningService } from '../../src/modules/signing/index.js';
import { docsApi } from '../e2e/documents.helpers.js';
import { agencyIdOf, issueOutgoing, THACH_KIM, until } from '../e2e/exchange-support.js';
import { makePdf } from '../signing/pdf-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { launch, login, openTab, skipNoChromium } from './support.js';

const PEER = '000.00.00.G09';

describe(
  'exchange in the web app: the directory, a received document returned, a failing delivery shown',
  { skip: skipNoChromium },
  () => {
    let app: TestApp;
    let browser: Browser;
    const peerKey = generateKeyPairSync('ed25519').privateKey;
    before(async () => {
      app = await startTestApp({ env: { EXCHANGE_RETRY_BASE_MS: '60000', EXCHANGE_LOOP_MS: '100' } });
      browser = await launch();
    });
    after(async () => {
      await browser?.close();
      await app?.close();
    });

    it('the province administrator adds a peer; the clerk returns what it sent with a reason', async () => {
      const tab = await openTab(browser);
      const { page } = tab;
      await login(tab, app, 'admin');
      await page.getByRole('link', { name: 'Liên thông' }).click();
      await page.getByRole('heading', { name: 'Danh bạ liên thông' }).waitFor();
      await page.locator('#peer-organ').fill(PEER);
      await page.locator('#peer-name').fill('Bộ Nội vụ');
      await page.locator('#peer-url').fill('http://127.0.0.1:9/api/exchange/packages');
      await page.locator('#peer-key').fill(createPublicKey(peerKey).export({ type: 'spki', format: 'pem' }).toString());
      await page.getByRole('button', { name: 'Lưu' }).click();
      await page.getByText('Đã ghi nhận.').waitFor();
      await page.getByRole('cell', { name: 'Bộ Nội vụ' }).waitFor();

      // a signed document arrives from that peer
      const chutich = await docsApi(app).me('chutich');
      const signing = app.app.get(SigningService);
      await signing.ensureUserCertificate(chutich.id, { pin: 'hoso-demo' });
      const pdf = (await signing.signAsPerson({ pdf: await makePdf(1), userId: chutich.id, pin: 'hoso-demo' })).pdf;
      const bytes = buildEdoc({
        header: {
          from: { organId: PEER, organName: 'Bộ Nội vụ' },
          to: [{ organId: '000.00.00.H42', organName: 'UBND tỉnh Hà Tĩnh' }],
          documentId: `${PEER},2026/12/01,77/BNV-VP`,
          codeNumber: '77',
          codeNotation: 'BNV-VP',
          place: 'Hà Nội',
          promulgationDate: '2026-12-01',
          typeCode: 'CV',
          typeName: 'Công văn',
          subject: 'Về việc gửi nhầm địa chỉ',
          content: '',
          signerCompetence: '',
          signerPosition: '',
          signerName: 'Nguyễn Văn Ký',
          dueDate: '',
          toPlaces: [],
          priority: 0,
          steeringType: 0,
          promulgationAmount: 1,
          pageAmount: 1,
        },
        trace: [],
        business: { kind: 'new', reason: '', paper: false, staff: {} },
        attachments: [{ contentId: 'vb', contentType: 'application/pdf', name: '77.pdf', description: '', data: pdf }],
      });
      const res = await fetch(`${app.url}/api/exchange/packages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/edxml+xml',
          'x-edxml-signature': sign(null, bytes, peerKey).toString('base64'),
        },
        body: bytes,
      });
      assert.equal(res.status, 200);

      const clerk = await openTab(browser);
      await login(clerk, app, 'vanthu');
      await clerk.page.getByRole('link', { name: 'Liên thông' }).click();
      const row = clerk.page.locator('tr').filter({ hasText: 'Về việc gửi nhầm địa chỉ' });
      await row.getByText('Chờ vào sổ').waitFor();
      assert.match(await row.innerText(), /Bộ Nội vụ[\s\S]*Văn bản mới[\s\S]*77\/BNV-VP/);
      await clerk.page.locator('#exchange-reason').fill('Không đúng thẩm quyền');
      await row.getByRole('button', { name: 'Trả lại' }).click();
      await row.getByText('Đã trả lại').waitFor();
    });

    it("the sender's document page shows the recipient and the failing delivery", async () => {
      await app.request('POST', '/api/exchange/peers', {
        as: 'admin',
        body: {
          organId: THACH_KIM,
          name: 'UBND xã Thạch Kim (hệ thống khác)',
          adapter: 'direct',
          endpointUrl: 'http://127.0.0.1:9/api/exchange/packages',
          publicKey: createPublicKey(peerKey).export({ type: 'spki', format: 'pem' }).toString(),
        },
      });
      const id = await issueOutgoing(app, 'Về việc thử gửi liên thông', [await agencyIdOf(app, 'thachkim.vanthu')]);
      await until('a failed attempt', async () => {
        const r = await app.request('GET', `/api/exchange/documents/${id}`, { as: 'snv.vanthu' });
        return r.body.recipients[0]?.packages[0]?.lastError;
      });
      const tab = await openTab(browser);
      await login(tab, app, 'snv.vanthu');
      await tab.page.goto(`${app.url}/documents/${id}`);
      const timeline = tab.page.locator('[data-testid=exchange-timeline]');
      await timeline.getByText('UBND xã Thạch Kim (hệ thống khác)').waitFor();
      await timeline.getByText('Đang chờ gửi').waitFor();
      assert.match(await timeline.innerText(), /Số lần gửi: \d+/);
    });
  },
);
