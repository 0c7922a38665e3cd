import type { DataSource } from 'typeorm';
import { foldKeepingOffsets, mariaIndexText } from '../../src/modules/search/search-text.js';
import { type Rng, stableId } from './rng.js';

/** Sentences of administrative Vietnamese (with two-letter syllables: về, Hà, số, là) the pages are made of. */
const SENTENCES = [
  'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015',
  'Quyết định về việc ban hành kế hoạch chuyển đổi số của tỉnh Hà Tĩnh',
  'Ủy ban nhân dân tỉnh giao Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan',
  'Báo cáo kết quả thực hiện công tác thi đua khen thưởng năm',
  'Đề nghị các đơn vị gửi văn bản về Văn phòng trước ngày 15',
  'Tổ chức hội nghị tổng kết công tác cải cách hành chính',
  'Tuyển dụng công chức, viên chức theo chỉ tiêu được giao',
  'Số hóa tài liệu lưu trữ và hồ sơ công việc điện tử',
  'Kinh phí thực hiện từ nguồn ngân sách nhà nước là',
  'Chánh Văn phòng, Giám đốc Sở Tài chính chịu trách nhiệm thi hành',
  'Phê duyệt danh mục hồ sơ của cơ quan năm',
  'Đôn đốc tiến độ giải quyết thủ tục hành chính trên địa bàn huyện',
  'Đăng ký lịch tiếp công dân định kỳ của lãnh đạo',
  'Hướng dẫn bảo đảm an toàn thông tin mạng trong cơ quan nhà nước',
];

/**
 * Page text for every seeded document (seed:scale --content N, default: every document, a fifth with two
 * pages): content_page rows and the full-text index (content_fts) in batches, as the digitization queue writes them.
 */
export async function seedContent(ds: DataSource, rng: Rng, limit: number): Promise<{ pages: number }> {
  const sqlite = ds.options.type === 'better-sqlite3';
  let last = '';
  let pages = 0;
  let documents = 0;
  const BATCH = 400;
  while (documents < limit) {
    const docs: { id: string; agencyId: string }[] = await ds.query(
      `SELECT id, agency_id AS agencyId FROM document WHERE id > ? ORDER BY id LIMIT ${Math.min(BATCH, limit - documents)}`,
      [last],
    );
    if (!docs.length) break;
    last = docs[docs.length - 1].id;
    documents += docs.length;
    const pageRows: unknown[][] = [];
    const ftsRows: unknown[][] = [];
    for (const d of docs) {
      const count = rng.int(1, 5) === 1 ? 2 : 1;
      for (let p = 1; p <= count; p++) {
        const text = Array.from({ length: rng.int(4, 8) }, () => `${rng.pick(SENTENCES)} ${rng.int(2020, 2027)}.`)
          .join(' ')
          .normalize('NFC');
        const id = stableId(`content-${d.id}-${p}`);
        pageRows.push([id, d.id, d.id, d.agencyId, 'van-ban.pdf', p, text]);
        const folded = foldKeepingOffsets(text);
        ftsRows.push(sqlite ? [folded, id, d.id, p] : [id, d.id, d.agencyId, p, mariaIndexText(folded)]);
        pages++;
      }
    }
    const marks = (n: number, rows: number) =>
      Array(rows)
        .fill(`(${Array(n).fill('?').join(', ')})`)
        .join(', ');
    await ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO content_page (id, job_id, document_id, agency_id, file_name, page, text) VALUES ${marks(7, pageRows.length)}`,
        pageRows.flat(),
      );
      await m.query(
        sqlite
          ? `INSERT INTO content_fts (folded, page_id, document_id, page) VALUES ${marks(4, ftsRows.length)}`
          : `INSERT INTO content_fts (page_id, document_id, agency_id, page, folded) VALUES ${marks(5, ftsRows.length)}`,
        ftsRows.flat(),
      );
    });
  }
  return { pages };
}
