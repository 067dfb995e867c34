// The test office with appointments (docs/appointments.md): group CT
// bookable in 30-minute slots of 3 places, check-in from 15 minutes before
// a slot to 10 minutes after its start, at most 2 booked calls in a row
// while a walk-in waits (e2e 220-226).
import { TEST_BUNDLE } from './harness.mjs';

export const BOOKING_OFFICE = TEST_BUNDLE.office.code;
export const BOOKING_BUNDLE = {
  ...TEST_BUNDLE,
  appointments: {
    checkin_before_minutes: 15, checkin_after_minutes: 10, booked_in_a_row: 2,
    slots: [{ office: BOOKING_OFFICE, group: 'CT', minutes: 30, capacity: 3 }],
  },
};

// Unix seconds of an ISO time ('2026-12-01T09:00:00+07:00').
export const at = (iso) => Math.floor(Date.parse(iso) / 1000);
