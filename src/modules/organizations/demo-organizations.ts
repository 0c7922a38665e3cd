import type { Role } from './user.entity.js';

/**
 * The demo province of shared/api.md. Organisation codes and names are illustrative: Hà Tĩnh's real
 * OrganId is unconfirmed, so the demo codes use the QCVN 102 form with a made-up suffix.
 */
export interface DemoAgency {
  key: string;
  organId: string;
  name: string;
  abbreviation: string;
  level: 'province' | 'department' | 'commune';
  parent?: string;
  placeName: string;
  governingBodyName?: string;
  units: { abbreviation: string; name: string }[];
  users: {
    username: string;
    fullName: string;
    title: string;
    roles: { role: Role; unit?: string; includeDescendants?: boolean }[];
    unit?: string;
  }[];
}

function commune(key: string, organId: string, name: string, people: string[]): DemoAgency {
  const [chutich, phochutich, vanthu, tp, cv, luutru, admin] = people;
  return {
    key,
    organId,
    name,
    abbreviation: 'UBND',
    level: 'commune',
    parent: 'ubnd',
    placeName: 'Hà Tĩnh',
    units: [
      { abbreviation: 'VP', name: 'Văn phòng HĐND và UBND' },
      { abbreviation: 'VHXH', name: 'Phòng Văn hóa - Xã hội' },
    ],
    users: [
      { username: `${key}.chutich`, fullName: chutich, title: 'Chủ tịch', roles: [{ role: 'leader' }] },
      {
        username: `${key}.phochutich`,
        fullName: phochutich,
        title: 'Phó Chủ tịch',
        roles: [{ role: 'deputy-leader' }],
      },
      { username: `${key}.vanthu`, fullName: vanthu, title: 'Văn thư', unit: 'VP', roles: [{ role: 'clerk' }] },
      {
        username: `${key}.tp`,
        fullName: tp,
        title: 'Chánh Văn phòng',
        unit: 'VP',
        roles: [{ role: 'unit-head', unit: 'VP' }],
      },
      {
        username: `${key}.cv`,
        fullName: cv,
        title: 'Công chức Văn phòng - Thống kê',
        unit: 'VP',
        roles: [{ role: 'staff', unit: 'VP' }],
      },
      {
        username: `${key}.luutru`,
        fullName: luutru,
        title: 'Lưu trữ viên',
        unit: 'VP',
        roles: [{ role: 'archivist' }],
      },
      {
        username: `${key}.admin`,
        fullName: admin,
        title: 'Quản trị hệ thống',
        unit: 'VP',
        roles: [{ role: 'admin' }, { role: 'process-admin' }],
      },
    ],
  };
}

export const DEMO_AGENCIES: DemoAgency[] = [
  {
    key: 'ubnd',
    organId: '000.00.00.H42',
    name: 'Ủy ban nhân dân tỉnh Hà Tĩnh',
    abbreviation: 'UBND',
    level: 'province',
    placeName: 'Hà Tĩnh',
    units: [
      { abbreviation: 'VP', name: 'Văn phòng Ủy ban nhân dân tỉnh' },
      { abbreviation: 'TH', name: 'Phòng Tổng hợp' },
    ],
    users: [
      {
        username: 'admin',
        fullName: 'Quản trị hệ thống',
        title: 'Quản trị viên',
        unit: 'VP',
        roles: [{ role: 'admin', includeDescendants: true }, { role: 'process-admin' }],
      },
      { username: 'chutich', fullName: 'Nguyễn Văn Ký', title: 'Chủ tịch', roles: [{ role: 'leader' }] },
      {
        username: 'phochutich',
        fullName: 'Trần Thị Hồng Nhung',
        title: 'Phó Chủ tịch',
        roles: [{ role: 'deputy-leader' }],
      },
      { username: 'vanthu', fullName: 'Lê Thị Thu Hà', title: 'Văn thư', unit: 'VP', roles: [{ role: 'clerk' }] },
      {
        username: 'tp.vp',
        fullName: 'Phạm Đức Thắng',
        title: 'Chánh Văn phòng',
        unit: 'VP',
        roles: [{ role: 'unit-head', unit: 'VP' }],
      },
      {
        username: 'cv.vp',
        fullName: 'Hoàng Minh Đức',
        title: 'Chuyên viên',
        unit: 'VP',
        roles: [{ role: 'staff', unit: 'VP' }],
      },
      { username: 'luutru', fullName: 'Võ Thị Lan', title: 'Lưu trữ viên', unit: 'VP', roles: [{ role: 'archivist' }] },
    ],
  },
  {
    key: 'snv',
    organId: '000.01.00.H42',
    name: 'Sở Nội vụ',
    abbreviation: 'SNV',
    level: 'department',
    parent: 'ubnd',
    placeName: 'Hà Tĩnh',
    governingBodyName: 'UBND TỈNH HÀ TĨNH',
    units: [
      { abbreviation: 'VP', name: 'Văn phòng Sở' },
      { abbreviation: 'TCCB', name: 'Phòng Tổ chức cán bộ' },
    ],
    users: [
      { username: 'snv.giamdoc', fullName: 'Đặng Quốc Khánh', title: 'Giám đốc', roles: [{ role: 'leader' }] },
      {
        username: 'snv.phogiamdoc',
        fullName: 'Bùi Thị Mai',
        title: 'Phó Giám đốc',
        roles: [{ role: 'deputy-leader' }],
      },
      { username: 'snv.vanthu', fullName: 'Ngô Thị Hương', title: 'Văn thư', unit: 'VP', roles: [{ role: 'clerk' }] },
      {
        username: 'snv.tp',
        fullName: 'Đỗ Văn Hùng',
        title: 'Trưởng phòng',
        unit: 'TCCB',
        roles: [{ role: 'unit-head', unit: 'TCCB' }],
      },
      {
        username: 'snv.cv',
        fullName: 'Phan Thị Ngọc Ánh',
        title: 'Chuyên viên',
        unit: 'TCCB',
        roles: [{ role: 'staff', unit: 'TCCB' }],
      },
      {
        username: 'snv.cv2',
        fullName: 'Dương Văn Toàn',
        title: 'Chuyên viên',
        unit: 'VP',
        roles: [{ role: 'staff', unit: 'VP' }],
      },
      {
        username: 'snv.luutru',
        fullName: 'Lý Thị Kim Oanh',
        title: 'Lưu trữ viên',
        unit: 'VP',
        roles: [{ role: 'archivist' }],
      },
      {
        username: 'snv.admin',
        fullName: 'Quản trị Sở Nội vụ',
        title: 'Quản trị viên',
        unit: 'VP',
        roles: [{ role: 'admin' }],
      },
    ],
  },
  commune('thachkim', '000.00.31.H42', 'Ủy ban nhân dân xã Thạch Kim', [
    'Trương Văn Sơn',
    'Hồ Thị Thủy',
    'Nguyễn Thị Yến',
    'Lê Văn Tâm',
    'Trần Quang Huy',
    'Phạm Thị Hoa',
    'Quản trị xã Thạch Kim',
  ]),
  commune('camxuyen', '000.00.32.H42', 'Ủy ban nhân dân xã Cẩm Xuyên', [
    'Đinh Văn Long',
    'Mai Thị Hạnh',
    'Vũ Thị Loan',
    'Cao Văn Bình',
    'Tạ Thị Nga',
    'Lương Văn Phú',
    'Quản trị xã Cẩm Xuyên',
  ]),
];
