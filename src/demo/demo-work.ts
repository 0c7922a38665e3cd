import { PDFDocument, StandardFonts } from 'pdf-lib';

/**
 * Work in progress for the demo province, made through the public API exactly as its users would make it, so
 * that `npm start` opens on a Sở Nội vụ at work rather than on empty lists: an approved file plan for the year,
 * dossiers opened from it, an outgoing document issued and filed, others waiting in the drafter's, the unit
 * head's and the director's inboxes, and incoming documents waiting for direction and for handling.
 *
 * Run by `npm start` (scripts/start.mjs) once the server answers; never by the tests' or benchmarks' servers,
 * whose counts it would change. Idempotent: it does nothing once the agency has a file plan for the year.
 */
export interface DemoWorkOptions {
  baseUrl: string;
  password: string;
  year?: number;
  log?: (line: string) => void;
}

export interface DemoWorkResult {
  seeded: boolean;
  dossiers: string[];
  documents: Record<string, string>;
}

const planCsv = (year: number) =>
  [
    'Số và ký hiệu hồ sơ,Tên đề mục và tiêu đề hồ sơ,Thời hạn bảo quản,Đơn vị/người lập hồ sơ,Ghi chú',
    '(1),(2),(3),(4),(5)',
    ',I. TỔ CHỨC CÁN BỘ (TCCB),,,',
    ',1. Tuyển dụng,,,',
    `01.TCCB,Hồ sơ tuyển dụng công chức năm ${year},Vĩnh viễn,TCCB,`,
    `02.TCCB,"Kế hoạch, báo cáo công tác tuyển dụng năm ${year}",10 năm,TCCB,`,
    ',2. Đào tạo bồi dưỡng,,,',
    `03.TCCB,Hồ sơ cử công chức đi đào tạo bồi dưỡng năm ${year},20 năm,TCCB,`,
    `04.TCCB,Hồ sơ nâng bậc lương thường xuyên năm ${year},Vĩnh viễn,TCCB,`,
    ',II. VĂN PHÒNG (VP),,,',
    `01.VP,Tập lưu văn bản đi của Sở năm ${year},Vĩnh viễn,VP,`,
    `02.VP,Hồ sơ hội nghị tổng kết công tác năm ${year},10 năm,VP,`,
    `03.VP,Hồ sơ thi đua khen thưởng năm ${year},20 năm,VP,`,
  ].join('\n');

interface Task {
  id: string;
  elementId: string;
  businessKey: string;
  assigneeId: string | null;
}

class DemoClient {
  private readonly tokens = new Map<string, string>();
  constructor(private readonly o: DemoWorkOptions) {}

  async call<T = any>(
    as: string,
    method: string,
    path: string,
    body?: unknown,
    init: { raw?: string | FormData; contentType?: string; ok?: number[] } = {},
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token(as)}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    else if (init.contentType) headers['content-type'] = init.contentType;
    const res = await fetch(`${this.o.baseUrl}${path}`, {
      method,
      headers,
      body: body !== undefined ? JSON.stringify(body) : init.raw,
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!(init.ok ?? [200, 201]).includes(res.status))
      throw new Error(`demo work: ${as} ${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, body: parsed as T };
  }

  private async token(username: string): Promise<string> {
    const cached = this.tokens.get(username);
    if (cached) return cached;
    const res = await fetch(`${this.o.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: this.o.password }),
    });
    if (res.status !== 200) throw new Error(`demo work: login ${username} → ${res.status}`);
    const { accessToken } = (await res.json()) as { accessToken: string };
    this.tokens.set(username, accessToken);
    return accessToken;
  }

  async userId(username: string): Promise<string> {
    return (await this.call<{ id: string }>(username, 'GET', '/api/auth/me')).body.id;
  }

  /** The open task of a document's step for `as` (own or of their groups), once the flow has reached it. */
  async task(as: string, documentId: string, elementId: string): Promise<Task> {
    for (let i = 0; i < 300; i++) {
      for (const scope of ['mine', 'group']) {
        const list = (await this.call<Task[]>(as, 'GET', `/api/tasks?scope=${scope}&state=open`)).body;
        const hit = list.find((x) => x.businessKey === documentId && x.elementId === elementId);
        if (hit) return hit;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`demo work: no open task ${elementId} of ${documentId} for ${as}`);
  }

  async complete(as: string, documentId: string, elementId: string, variables: Record<string, unknown> = {}) {
    const t = await this.task(as, documentId, elementId);
    if (!t.assigneeId) await this.call(as, 'POST', `/api/tasks/${t.id}/claim`);
    await this.call(as, 'POST', `/api/tasks/${t.id}/complete`, { variables });
  }
}

async function letterPdf(lines: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  const page = doc.addPage([595, 842]);
  lines.forEach((text, i) => page.drawText(text, { x: 72, y: 760 - i * 22, size: 13, font }));
  return Buffer.from(await doc.save());
}

export async function seedDemoWork(o: DemoWorkOptions): Promise<DemoWorkResult> {
  const log = o.log ?? (() => undefined);
  const year = o.year ?? new Date().getFullYear();
  const api = new DemoClient(o);
  const existing = await api.call<{ id: string | null }>('snv.vanthu', 'GET', `/api/file-plans/${year}`);
  if (existing.body.id) return { seeded: false, dossiers: [], documents: {} };

  // the clerk imports the year's file plan, the director approves it
  await api.call('snv.vanthu', 'POST', `/api/file-plans/${year}/import`, undefined, {
    raw: planCsv(year),
    contentType: 'text/csv',
  });
  await api.call('snv.giamdoc', 'POST', `/api/file-plans/${year}/approve`);
  const plan = (
    await api.call<{ entries: { id: string; notation: string }[] }>('snv.cv', 'GET', `/api/file-plans/${year}`)
  ).body;
  const entry = (notation: string) => plan.entries.find((e) => e.notation === notation)!.id;
  const open = async (as: string, notation: string) =>
    (await api.call<{ id: string }>(as, 'POST', '/api/dossiers', { filePlanEntryId: entry(notation) })).body.id;
  const recruitment = await open('snv.cv', '01.TCCB');
  const training = await open('snv.cv', '03.TCCB');
  const office = await open('snv.cv2', '02.VP');
  log(`file plan ${year} approved; dossiers 01.TCCB, 03.TCCB, 02.VP opened`);

  const director = await api.userId('snv.giamdoc');
  const draft = async (subject: string, body: string, dossierId?: string) =>
    (
      await api.call<{ id: string }>('snv.cv', 'POST', '/api/documents/outgoing', {
        typeCode: 'CV',
        subject,
        body,
        signerId: director,
        ...(dossierId ? { dossierId } : {}),
      })
    ).body.id;
  const documents: Record<string, string> = {};

  // issued and filed: drafted, reviewed, checked, signed by the director and by the agency, numbered
  documents.issued = await draft(
    `Về việc thông báo tuyển dụng công chức năm ${year}`,
    `Sở Nội vụ thông báo kế hoạch tuyển dụng công chức năm ${year} như sau: số lượng, điều kiện, hồ sơ đăng ký và thời gian nhận hồ sơ được đăng tải trên trang thông tin điện tử của Sở.`,
    recruitment,
  );
  await api.complete('snv.cv', documents.issued, 'draft');
  await api.complete('snv.tp', documents.issued, 'review', { decision: 'approve' });
  await api.complete('snv.vanthu', documents.issued, 'formatCheck', { decision: 'approve' });
  await api.complete('snv.giamdoc', documents.issued, 'sign', { decision: 'approve', pin: o.password });
  await api.complete('snv.vanthu', documents.issued, 'agencySign', { pin: o.password });

  // waiting for the director's signature
  documents.toSign = await draft(
    'Về việc cử công chức tham gia lớp bồi dưỡng quản lý nhà nước',
    'Sở Nội vụ cử các công chức có tên trong danh sách kèm theo tham gia lớp bồi dưỡng kiến thức quản lý nhà nước ngạch chuyên viên chính.',
    training,
  );
  await api.complete('snv.cv', documents.toSign, 'draft');
  await api.complete('snv.tp', documents.toSign, 'review', { decision: 'approve' });
  await api.complete('snv.vanthu', documents.toSign, 'formatCheck', { decision: 'approve' });

  // waiting for the unit head's review
  documents.toReview = await draft(
    `Về việc báo cáo kết quả tuyển dụng công chức năm ${year}`,
    'Sở Nội vụ báo cáo kết quả tổ chức thi tuyển công chức: số thí sinh dự thi, số trúng tuyển và đề xuất bổ nhiệm vào ngạch.',
    recruitment,
  );
  await api.complete('snv.cv', documents.toReview, 'draft');

  // still in the drafter's hands
  documents.drafting = await draft(
    'Về việc rà soát, bổ sung quy hoạch cán bộ lãnh đạo, quản lý',
    'Đề nghị các phòng, đơn vị thuộc Sở rà soát, bổ sung danh sách quy hoạch cán bộ lãnh đạo, quản lý giai đoạn tới.',
  );

  // incoming: one waiting for the director's direction, one directed to staff and waiting to be handled
  const receive = async (subject: string, originalNumber: string, lines: string[]) => {
    const form = new FormData();
    form.append(
      'file',
      new Blob([new Uint8Array(await letterPdf(lines))], { type: 'application/pdf' }),
      `${originalNumber.replace(/\//g, '-')}.pdf`,
    );
    const fields = {
      senderName: 'Sở Tài chính tỉnh Hà Tĩnh',
      originalNumber,
      originalDate: `${year}-${String(new Date().getMonth() + 1).padStart(2, '0')}-01`,
      typeCode: 'CV',
      subject,
    };
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const id = (
      await api.call<{ id: string }>('snv.vanthu', 'POST', '/api/documents/incoming', undefined, { raw: form })
    ).body.id;
    await api.complete('snv.vanthu', id, 'register');
    return id;
  };
  documents.toDirect = await receive(`Về việc hướng dẫn lập dự toán ngân sách năm ${year + 1}`, '1250/STC-NS', [
    'SO TAI CHINH TINH HA TINH',
    `So: 1250/STC-NS`,
    `V/v huong dan lap du toan ngan sach nam ${year + 1}`,
  ]);
  documents.toHandle = await receive('Về việc cung cấp số liệu biên chế, quỹ lương', '1288/STC-HCSN', [
    'SO TAI CHINH TINH HA TINH',
    'So: 1288/STC-HCSN',
    'V/v cung cap so lieu bien che, quy luong',
  ]);
  await api.complete('snv.giamdoc', documents.toHandle, 'direct', {
    mainHandlerId: await api.userId('snv.cv'),
  });
  log('documents: 1 issued and filed, 1 to sign, 1 to review, 1 in drafting, 2 incoming (to direct, to handle)');
  return { seeded: true, dossiers: [recruitment, training, office], documents };
}
