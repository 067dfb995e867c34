// Reading a number aloud the Vietnamese way (DOMAIN.md, "Queue practice").
// Pure functions, no DOM: loaded by the board in the browser and by the tests
// in Node.
//
//   15 mười lăm, 25 hai mươi lăm, 105 một trăm linh năm, 21 hai mươi mốt,
//   11 mười một, 20 hai mươi, 10 mười, 101 một trăm linh một,
//   1023 một nghìn không trăm hai mươi ba, 24 hai mươi tư, 1000 một nghìn, 0 không.
//
// Choices, made once and kept: "linh" (not the Southern "lẻ"); "nghìn" (not
// "ngàn"); 4 after a ten from twenty up is "tư" (24 hai mươi tư), elsewhere
// "bốn" (14 mười bốn, 104 một trăm linh bốn).

const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];

// The largest number read: the thousands group is read as a number itself.
export const READ_NUMBER_VI_MAX = 999999;

// Words for the tens and units of n (0..99) inside a larger number (after
// "trăm"): a zero tens digit with a non-zero unit gives "linh".
function tensAndUnits(n, afterHundreds) {
  const t = Math.floor(n / 10);
  const u = n % 10;
  if (t === 0) {
    if (u === 0) return [];
    return afterHundreds ? ['linh', DIGITS[u]] : [DIGITS[u]];
  }
  const words = t === 1 ? ['mười'] : [DIGITS[t], 'mươi'];
  if (u === 0) return words;
  if (u === 5) words.push('lăm');
  else if (u === 1) words.push(t === 1 ? 'một' : 'mốt');
  else if (u === 4) words.push(t === 1 ? 'bốn' : 'tư');
  else words.push(DIGITS[u]);
  return words;
}

// Words for 1..999; `full` says a higher group precedes, so a zero hundreds
// digit is read "không trăm" (1023 một nghìn không trăm hai mươi ba).
function group(n, full) {
  const h = Math.floor(n / 100);
  const rest = n % 100;
  if (h === 0 && !full) return tensAndUnits(rest, false);
  const words = [DIGITS[h], 'trăm'];
  return words.concat(tensAndUnits(rest, true));
}

// The words of n as an array, e.g. 1023 → ["một", "nghìn", "không", "trăm",
// "hai", "mươi", "ba"]. n must be an integer in 0..READ_NUMBER_VI_MAX;
// throws RangeError otherwise.
export function readNumberViWords(n) {
  if (!Number.isInteger(n) || n < 0 || n > READ_NUMBER_VI_MAX)
    throw new RangeError(`readNumberVi: ${n} is not an integer in 0..${READ_NUMBER_VI_MAX}`);
  if (n === 0) return ['không'];
  const thousands = Math.floor(n / 1000);
  const below = n % 1000;
  if (thousands === 0) return group(below, false);
  const words = group(thousands, false).concat(['nghìn']);
  if (below === 0) return words;
  return words.concat(group(below, true));
}

// The reading of n as one string: readNumberVi(105) === "một trăm linh năm".
// Same contract as readNumberViWords.
export function readNumberVi(n) {
  return readNumberViWords(n).join(' ');
}
