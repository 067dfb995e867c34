// A province of two centres for the isolation and boundary-free tests
// (docs/province.md). Centre A (Khe Sanh) and centre B (Lao Bảo) each have
// their own hall (both number counters from 1 and both use prefix A), staff
// of every role and devices; each commune's People's Committee is an
// authority with a processing office; the province has a department with a
// processing office and a partner. Names and codes are test data.
import { DOSSIER_BUNDLE } from './dossier-bundle.mjs';
import { PASSWORDS } from './harness.mjs';

export const CENTRE_A = 'TT-KS';
export const CENTRE_B = 'TT-LB';

// Accounts: <centre letter>.<role>; province-wide admin is the harness's
// 'admin', the province supervisor 'prov.sup'. a.sup and b.sup supervise a
// commune (its People's Committee: the centre, the processing office and
// the dossiers the commune is competent for); b.centre.sup only centre B.
export const PROVINCE_PASSWORDS = {
  'prov.sup': 'prov-sup-pass-1',
  'a.sup': 'a-sup-pass-0001', 'a.clerk': 'a-clerk-pass-01', 'a.clerk2': 'a-clerk-pass-02',
  'a.spec': 'a-spec-pass-001',
  'b.sup': 'b-sup-pass-0001', 'b.clerk': 'b-clerk-pass-01', 'b.clerk2': 'b-clerk-pass-02',
  'b.spec': 'b-spec-pass-001', 'b.centre.sup': 'giam-sat-trung-tam-lb',
  'so.spec': 'so-spec-pass-01',
};
// s.as(username, …) logs in with PASSWORDS: importing this file adds them.
Object.assign(PASSWORDS, PROVINCE_PASSWORDS);

const hall = (office) => ({
  service_groups: [
    { office, code: 'CT', prefix: 'A', name: 'Chứng thực', sort: 1 },
    { office, code: 'HT', prefix: 'B', name: 'Hộ tịch', sort: 2 },
  ],
  counters: [
    { office, no: 1, name: 'Quầy 1', groups: ['CT'] },
    { office, no: 2, name: 'Quầy 2', groups: ['CT', 'HT'] },
    { office, no: 3, name: 'Quầy 3', groups: ['HT'] },
  ],
});
const a = hall(CENTRE_A);
const b = hall(CENTRE_B);
const user = (username, office, role, full_name) =>
  ({ username, office, role, full_name, password: PROVINCE_PASSWORDS[username] });

export const PROVINCE_BUNDLE = {
  settings: { priority_cap: 2, no_show_rejoin_minutes: 30 },
  offices: [
    { code: 'QT', name: 'Tỉnh Quảng Trị', kind: 'province', locality: 'Quảng Trị' },
    { code: 'SO-TNMT', name: 'Sở Nông nghiệp và Môi trường', kind: 'authority', level: 'province', parent: 'QT' },
    { code: 'SO-TNMT-DD', name: 'Phòng Đất đai', kind: 'internal', parent: 'SO-TNMT' },
    { code: 'UB-KS', name: 'UBND xã Khe Sanh', kind: 'authority', level: 'commune', parent: 'QT' },
    { code: CENTRE_A, name: 'Trung tâm Phục vụ hành chính công xã Khe Sanh', kind: 'centre', parent: 'UB-KS',
      address: 'Khe Sanh, Quảng Trị', hours: 'Thứ Hai – Thứ Sáu, 7:30–11:30, 13:30–17:00', locality: 'Khe Sanh' },
    { code: 'TP-KS', name: 'Văn phòng HĐND và UBND xã Khe Sanh', kind: 'internal', parent: 'UB-KS' },
    { code: 'UB-LB', name: 'UBND xã Lao Bảo', kind: 'authority', level: 'commune', parent: 'QT' },
    { code: CENTRE_B, name: 'Trung tâm Phục vụ hành chính công xã Lao Bảo', kind: 'centre', parent: 'UB-LB',
      address: 'Lao Bảo, Quảng Trị', hours: 'Thứ Hai – Thứ Sáu, 7:30–11:30, 13:30–17:00', locality: 'Lao Bảo' },
    { code: 'TP-LB', name: 'Văn phòng HĐND và UBND xã Lao Bảo', kind: 'internal', parent: 'UB-LB' },
    { code: 'CA', name: 'Công an tỉnh', kind: 'partner', parent: 'QT' },
  ],
  service_groups: [...a.service_groups, ...b.service_groups],
  counters: [...a.counters, ...b.counters],
  users: [
    // Office heads (trưởng đơn vị, users.head): the province's, Khe Sanh's
    // and centre B's (below) approve feedback answers and read the anonymous
    // reports and conduct counts of their scope.
    { ...user('prov.sup', 'QT', 'supervisor', 'Giám sát Tỉnh'), head: true },
    { ...user('a.sup', 'UB-KS', 'supervisor', 'Giám sát Khe Sanh'), head: true },
    user('a.clerk', CENTRE_A, 'counter', 'Cán bộ Khe Sanh Một'),
    user('a.clerk2', CENTRE_A, 'counter', 'Cán bộ Khe Sanh Hai'),
    user('a.spec', 'TP-KS', 'specialist', 'Chuyên viên Khe Sanh'),
    user('b.sup', 'UB-LB', 'supervisor', 'Giám sát Lao Bảo'),
    // The office head (trưởng đơn vị) of centre B: approves PAKN answers and
    // alone reads its anonymous reports; b.sup, over the same centre, is not.
    { ...user('b.centre.sup', CENTRE_B, 'supervisor', 'Giám sát Trung tâm Lao Bảo'), head: true },
    user('b.clerk', CENTRE_B, 'counter', 'Cán bộ Lao Bảo Một'),
    user('b.clerk2', CENTRE_B, 'counter', 'Cán bộ Lao Bảo Hai'),
    user('b.spec', 'TP-LB', 'specialist', 'Chuyên viên Lao Bảo'),
    user('so.spec', 'SO-TNMT-DD', 'specialist', 'Chuyên viên Sở'),
  ],
  devices: [
    { office: CENTRE_A, kind: 'kiosk', name: 'a-kiosk', prints: false },
    { office: CENTRE_A, kind: 'display', name: 'a-board' },
    { office: CENTRE_B, kind: 'kiosk', name: 'b-kiosk', prints: false },
    { office: CENTRE_B, kind: 'display', name: 'b-board' },
  ],
  // The dossier tests' procedures; a commune procedure names no office of
  // its own (the clerk chooses the commune at intake), the land one names
  // the department.
  procedures: DOSSIER_BUNDLE.procedures.map((p) => {
    const { office, steps, ...rest } = p;
    return p.code === 'P5' ? { ...rest, office: 'SO-TNMT-DD' } : rest;
  }),
};

// A default PDF printer of paper in each centre, for a bundle's "printers":
// CENTRE_A's named a[0] sending to a[1], CENTRE_B's named b[0] sending to b[1].
export const centrePrinters = (paper, a, b) => [
  { office: CENTRE_A, name: a[0], target: a[1], format: 'pdf', paper, default: true },
  { office: CENTRE_B, name: b[0], target: b[1], format: 'pdf', paper, default: true },
];
