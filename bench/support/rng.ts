import { createHash } from 'node:crypto';

/** Deterministic generator (mulberry32): the same arguments give the same province, run after run. */
export class Rng {
  constructor(private state: number) {}

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** A uuid-shaped id derived from a name (stable across runs, unique per name). */
export function stableId(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Thu', 'Quốc', 'Thanh', 'Ngọc', 'Xuân'];
const GIVEN = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Hà',
  'Hải',
  'Hương',
  'Khánh',
  'Lan',
  'Long',
  'Mai',
  'Nam',
  'Phúc',
  'Quân',
  'Thảo',
  'Trang',
  'Tuấn',
  'Việt',
  'Yến',
];
const TOPICS = [
  'tổ chức Hội nghị tổng kết công tác năm',
  'triển khai kế hoạch chuyển đổi số',
  'báo cáo tình hình thực hiện nhiệm vụ quý',
  'đề nghị bổ sung kinh phí sự nghiệp',
  'phòng, chống thiên tai và tìm kiếm cứu nạn',
  'tuyển dụng công chức cấp xã',
  'cải cách thủ tục hành chính',
  'quản lý đất đai và xây dựng',
  'công tác thi đua, khen thưởng',
  'bảo đảm an toàn giao thông dịp Tết Nguyên đán',
  'kiện toàn Ban Chỉ đạo',
  'góp ý dự thảo Nghị quyết của Hội đồng nhân dân tỉnh',
  'tăng cường công tác văn thư, lưu trữ',
  'phê duyệt danh mục hồ sơ cơ quan',
  'chế độ báo cáo thống kê',
];
const PREFIX = ['Về việc', 'V/v', 'Về', 'Triển khai', 'Hướng dẫn'];

export const personName = (r: Rng) => `${r.pick(FAMILY)} ${r.pick(MIDDLE)} ${r.pick(GIVEN)}`;
export const subjectLine = (r: Rng) => `${r.pick(PREFIX)} ${r.pick(TOPICS)} năm ${r.int(2024, 2026)}`;
