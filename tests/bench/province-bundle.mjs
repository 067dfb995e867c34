// A generated province for the province benchmarks (docs/province.md): a
// root, CENTRES commune People's Committees (authorities), each with its
// centre and a processing office; each centre with three service groups,
// COUNTERS counters, one member of staff who opens them all (a centre
// supervisor: a clerk works at one counter at a time), one kiosk (not
// printing) and one board.
// Codes and names are benchmark data.
//
// As a module: provinceBundle({ centres, counters }) returns the bundle and
// clerkPassword(i) the password of centre i's clerk. As a command:
//   node tests/bench/province-bundle.mjs [CENTRES=100] [COUNTERS=10] > bundle.json
import { pathToFileURL } from 'node:url';

const pad = (i) => String(i).padStart(3, '0');
export const centreCode = (i) => `TT-${pad(i)}`;
export const clerkName = (i) => `clerk.${pad(i)}`;
export const clerkPassword = (i) => `bench-clerk-pass-${pad(i)}`;
export const kioskName = (i) => `kiosk-${pad(i)}`;
export const boardName = (i) => `board-${pad(i)}`;

// Groups of every centre and the counters serving them: counters split into
// thirds over CT, HT and DD, the last counter of each third also serving CT.
const GROUPS = [
  { code: 'CT', prefix: 'A', name: 'Chứng thực' },
  { code: 'HT', prefix: 'B', name: 'Hộ tịch' },
  { code: 'DD', prefix: 'C', name: 'Đất đai' },
];

export function provinceBundle({ centres = 100, counters = 10 } = {}) {
  const offices = [{ code: 'TINH-BENCH', name: 'Tỉnh thử tải', kind: 'province', locality: 'Tỉnh thử tải' }];
  const groups = [];
  const cs = [];
  const users = [];
  const devices = [];
  for (let i = 1; i <= centres; i++) {
    const office = centreCode(i);
    offices.push(
      { code: `UB-${pad(i)}`, name: `UBND xã Thử tải ${i}`, kind: 'authority', level: 'commune', parent: 'TINH-BENCH' },
      { code: office, name: `Trung tâm Phục vụ hành chính công xã Thử tải ${i}`, kind: 'centre',
        parent: `UB-${pad(i)}`, address: `Xã Thử tải ${i}`, hours: 'Thứ Hai – Thứ Sáu, 7:30–11:30, 13:30–17:00',
        locality: `Thử tải ${i}` },
      { code: `TP-${pad(i)}`, name: `Văn phòng HĐND và UBND xã Thử tải ${i}`, kind: 'internal', parent: `UB-${pad(i)}` },
    );
    GROUPS.forEach((g, k) => groups.push({ office, ...g, sort: k + 1 }));
    for (let no = 1; no <= counters; no++) {
      const third = Math.min(2, Math.floor(((no - 1) * 3) / counters));
      const serves = [GROUPS[third].code];
      const lastOfThird = no === counters || Math.min(2, Math.floor((no * 3) / counters)) !== third;
      if (third > 0 && lastOfThird) serves.push('CT');
      cs.push({ office, no, name: `Quầy ${no}`, groups: serves });
    }
    users.push({ office, username: clerkName(i), role: 'supervisor', full_name: `Cán bộ Thử tải ${i}`,
      password: clerkPassword(i) });
    devices.push({ office, kind: 'kiosk', name: kioskName(i), prints: false },
      { office, kind: 'display', name: boardName(i) });
  }
  return {
    settings: { priority_cap: 2, no_show_rejoin_minutes: 30, queue_any_hour: 1 },
    offices, service_groups: groups, counters: cs, users, devices,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [centres = '100', counters = '10'] = process.argv.slice(2);
  process.stdout.write(JSON.stringify(provinceBundle({ centres: Number(centres), counters: Number(counters) })));
}
