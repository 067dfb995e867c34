// The province of two centres (lib/province-bundle.mjs) with appointments,
// for e2e 210-218, 225 and 227 (the one-office set-up of e2e 220-223 is
// lib/booking-office.mjs): centre A books Chứng thực in 30-minute slots of 2
// places and Hộ tịch in hours of 1; centre B books Chứng thực.
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './province-bundle.mjs';
import { startServer } from './harness.mjs';
import { setClock } from './steps.mjs';

export { CENTRE_A, CENTRE_B };

export const bookingBundle = (appointments = {}) => ({
  ...PROVINCE_BUNDLE,
  appointments: {
    days_ahead: 6,
    per_person_per_day: 2,
    checkin_before_minutes: 15,
    checkin_after_minutes: 10,
    slots: [
      { office: CENTRE_A, group: 'CT', minutes: 30, capacity: 2 },
      { office: CENTRE_A, group: 'HT', minutes: 60, capacity: 1 },
      { office: CENTRE_B, group: 'CT', minutes: 30, capacity: 2 },
    ],
    ...appointments,
  },
});

// Monday 7 December 2026, 08:00 in Vietnam.
export const MONDAY_8AM = 1796605200;
// The instant of local date d ('2026-12-08') at hh:mm (UTC+7).
export const at = (d, hhmm) => Date.parse(`${d}T${hhmm}:00+07:00`) / 1000;

// A booking body for the public route.
export const booking = (start, over = {}) => ({
  office: CENTRE_A, group: 'CT', start, name: 'Nguyễn Thị Hoa', phone: '0912345678', ...over,
});

// A server over bookingBundle(appointments) on the test clock, stopped at
// MONDAY_8AM (harness startServer's handle).
export async function startBookingServer(appointments) {
  const s = await startServer({ bundle: bookingBundle(appointments), args: ['--test-clock', '--logins-per-minute', '1000'] });
  await setClock(s, MONDAY_8AM);
  return s;
}
