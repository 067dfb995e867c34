// Numbers read aloud the Vietnamese way (display/number-vi.js) and the voice
// plan built on them (display/voice-vi.js). Pure functions: no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const SOURCE = process.env.MOTCUA_SOURCE ?? path.resolve('.');
const load = (f) => import(pathToFileURL(path.join(SOURCE, 'display', f)).href);
const { readNumberVi, readNumberViWords } = await load('number-vi.js');
const { voicePlan, labelClips, numberClips, VOICE_CLIPS } = await load('voice-vi.js');

// DOMAIN.md's examples first, then the edges of each rule.
const TABLE = [
  [0, 'không'],
  [1, 'một'],
  [4, 'bốn'],
  [5, 'năm'],
  [9, 'chín'],
  [10, 'mười'],
  [11, 'mười một'],
  [14, 'mười bốn'],
  [15, 'mười lăm'],
  [19, 'mười chín'],
  [20, 'hai mươi'],
  [21, 'hai mươi mốt'],
  [24, 'hai mươi tư'],
  [25, 'hai mươi lăm'],
  [30, 'ba mươi'],
  [31, 'ba mươi mốt'],
  [44, 'bốn mươi tư'],
  [45, 'bốn mươi lăm'],
  [55, 'năm mươi lăm'],
  [99, 'chín mươi chín'],
  [100, 'một trăm'],
  [101, 'một trăm linh một'],
  [104, 'một trăm linh bốn'],
  [105, 'một trăm linh năm'],
  [110, 'một trăm mười'],
  [111, 'một trăm mười một'],
  [114, 'một trăm mười bốn'],
  [115, 'một trăm mười lăm'],
  [120, 'một trăm hai mươi'],
  [121, 'một trăm hai mươi mốt'],
  [124, 'một trăm hai mươi tư'],
  [125, 'một trăm hai mươi lăm'],
  [200, 'hai trăm'],
  [505, 'năm trăm linh năm'],
  [555, 'năm trăm năm mươi lăm'],
  [999, 'chín trăm chín mươi chín'],
  [1000, 'một nghìn'],
  [1001, 'một nghìn không trăm linh một'],
  [1005, 'một nghìn không trăm linh năm'],
  [1010, 'một nghìn không trăm mười'],
  [1011, 'một nghìn không trăm mười một'],
  [1015, 'một nghìn không trăm mười lăm'],
  [1021, 'một nghìn không trăm hai mươi mốt'],
  [1023, 'một nghìn không trăm hai mươi ba'],
  [1024, 'một nghìn không trăm hai mươi tư'],
  [1100, 'một nghìn một trăm'],
  [1105, 'một nghìn một trăm linh năm'],
  [2000, 'hai nghìn'],
  [2021, 'hai nghìn không trăm hai mươi mốt'],
  [5555, 'năm nghìn năm trăm năm mươi lăm'],
  [9001, 'chín nghìn không trăm linh một'],
  [9999, 'chín nghìn chín trăm chín mươi chín'],
  [10000, 'mười nghìn'],
  [15000, 'mười lăm nghìn'],
  [21000, 'hai mươi mốt nghìn'],
  [100000, 'một trăm nghìn'],
  [105000, 'một trăm linh năm nghìn'],
];

test('readNumberVi reads the table', () => {
  for (const [n, want] of TABLE) assert.equal(readNumberVi(n), want, `${n}`);
});

test('the rules hold for every number 0-9999', () => {
  for (let n = 0; n <= 9999; n++) {
    const w = readNumberViWords(n);
    const s = w.join(' ');
    const tens = Math.floor(n / 10) % 10;
    const unit = n % 10;
    assert.ok(w.length > 0 && w.every((x) => x), `${n}: ${s}`);
    // "mốt", "lăm", "tư" only right after a ten word; "mười" never before "mốt".
    w.forEach((x, i) => {
      if (x === 'mốt' || x === 'tư') assert.equal(w[i - 1], 'mươi', `${n}: ${s}`);
      if (x === 'lăm') assert.ok(w[i - 1] === 'mươi' || w[i - 1] === 'mười', `${n}: ${s}`);
      if (x === 'linh') assert.equal(w[i - 1], 'trăm', `${n}: ${s}`);
    });
    if (n >= 10 && tens === 0 && unit !== 0) assert.ok(s.includes('linh'), `${n}: ${s}`);
    if (n >= 1000 && n % 1000 !== 0 && Math.floor(n / 100) % 10 === 0) {
      assert.ok(s.includes('nghìn không trăm'), `${n}: ${s}`);
    }
    if (tens >= 2 && unit === 1) assert.ok(s.endsWith('mươi mốt'), `${n}: ${s}`);
    if (tens === 1 && unit === 1) assert.ok(s.endsWith('mười một'), `${n}: ${s}`);
    if (tens >= 1 && unit === 5) assert.ok(s.endsWith('lăm'), `${n}: ${s}`);
    if (tens === 0 && unit === 5 && n > 5) assert.ok(s.endsWith('linh năm'), `${n}: ${s}`);
    if (tens >= 2 && unit === 4) assert.ok(s.endsWith('mươi tư'), `${n}: ${s}`);
    // Every word has a voice clip.
    assert.ok(numberClips(n).every((id) => id in VOICE_CLIPS), `${n}: ${s}`);
  }
});

test('out of range or non-integers are refused', () => {
  for (const bad of [-1, 1.5, NaN, 1e6, '12', null]) assert.throws(() => readNumberVi(bad), RangeError);
});

test('the voice plan of a call', () => {
  assert.deepEqual(voicePlan('A1023', 3), [
    'chime', 'moi-cong-dan', 'chu-a', 'mot', 'nghin', 'khong', 'tram', 'hai', 'muoi-ngang', 'ba',
    'den-quay-so', 'ba',
  ]);
  assert.deepEqual(voicePlan('A001', 1), ['chime', 'moi-cong-dan', 'chu-a', 'mot', 'den-quay-so', 'mot']);
  assert.deepEqual(voicePlan('B015', 12), [
    'chime', 'moi-cong-dan', 'chu-b', 'muoi', 'lam', 'den-quay-so', 'muoi', 'hai',
  ]);
  assert.deepEqual(voicePlan('G121', 4, { voice: false }), ['chime'], 'voice off keeps the chime');
  assert.deepEqual(labelClips('AB024'), ['chu-a', 'chu-b', 'hai', 'muoi-ngang', 'tu']);
  assert.deepEqual(labelClips('A-7'), ['chu-a', 'bay'], 'other characters are skipped');
  assert.deepEqual(labelClips('A1234567'), ['chu-a', 'mot', 'hai', 'ba', 'bon', 'nam', 'sau', 'bay'],
    'a run too long for a number is read digit by digit');
  for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') assert.ok(`chu-${ch.toLowerCase()}` in VOICE_CLIPS, ch);
});

test('the player plays plans one after another, never over each other', async () => {
  // A stand-in for the browser's audio: clips of 20 ms, a clock that runs.
  const t0 = performance.now();
  const started = []; // [plan index, start time]
  let current = -1;
  const realFetch = globalThis.fetch;
  globalThis.fetch = async () => ({ ok: true, arrayBuffer: async () => new ArrayBuffer(8) });
  globalThis.AudioContext = class {
    constructor() { this.state = 'running'; this.destination = {}; }
    get currentTime() { return (performance.now() - t0) / 1000; }
    async resume() {}
    async decodeAudioData() { return { duration: 0.02 }; }
    createBufferSource() {
      return { connect() {}, start: (at) => started.push([current, at, this.buffer]) };
    }
  };
  const { VoicePlayer } = await load('voice-vi.js');
  const order = [];
  const player = new VoicePlayer({ onPlay: (plan) => { current = order.length; order.push(plan.join(' ')); } });
  const plans = [voicePlan('A001', 1), voicePlan('B002', 2), voicePlan('A001', 1)];
  const done = plans.map((p) => player.enqueue(p));
  assert.equal(player.pending, 3);
  await Promise.all(done);
  assert.deepEqual(order, plans.map((p) => p.join(' ')), 'in the order queued');
  assert.equal(started.length, plans.reduce((n, p) => n + p.length, 0), 'every clip played');
  for (let i = 1; i < plans.length; i++) {
    const lastOfPrev = Math.max(...started.filter(([k]) => k === i - 1).map(([, at]) => at));
    const firstOfThis = Math.min(...started.filter(([k]) => k === i).map(([, at]) => at));
    assert.ok(firstOfThis > lastOfPrev + 0.02, `plan ${i} starts after plan ${i - 1} ended`);
  }
  assert.equal(player.pending, 0);
  delete globalThis.AudioContext;
  globalThis.fetch = realFetch;
});
