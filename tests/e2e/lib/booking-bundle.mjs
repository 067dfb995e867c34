// The province of two centres with appointments under its older name: the
// bundle, its instants and the booking body are lib/booking-province.mjs's
// (the one-office set-up of e2e 220-223 is lib/booking-office.mjs).
export * from './booking-province.mjs';
