// The board's voice: a call "A1023 to counter 3" becomes a list of clips (the
// voice plan) — a chime, then "Mời công dân có số thứ tự" + the label read the
// Vietnamese way + "đến quầy số" + the counter number — and a player that
// plays plans one after another, never two at once.
//
// The clips are made offline at build time (espeak-ng, see
// display/voice-clips.txt) and served at /static/voice/<id>.wav. The plan
// functions are pure and load in Node for the tests; only VoicePlayer touches
// the browser (fetch, AudioContext).
import { readNumberViWords, READ_NUMBER_VI_MAX } from './number-vi.js';

// Clip id → the text spoken into it. Must match display/voice-clips.txt.
export const VOICE_CLIPS = {
  'moi-cong-dan': 'mời công dân có số thứ tự',
  'den-quay-so': 'đến quầy số',
  khong: 'không',
  mot: 'một',
  hai: 'hai',
  ba: 'ba',
  bon: 'bốn',
  nam: 'năm',
  sau: 'sáu',
  bay: 'bảy',
  tam: 'tám',
  chin: 'chín',
  muoi: 'mười',
  'muoi-ngang': 'mươi',
  'mot-sac': 'mốt',
  lam: 'lăm',
  tu: 'tư',
  linh: 'linh',
  tram: 'trăm',
  nghin: 'nghìn',
  'chu-a': 'a',
  'chu-b': 'bê',
  'chu-c': 'xê',
  'chu-d': 'dê',
  'chu-e': 'e',
  'chu-f': 'ép',
  'chu-g': 'giê',
  'chu-h': 'hát',
  'chu-i': 'i',
  'chu-j': 'gi',
  'chu-k': 'ca',
  'chu-l': 'e lờ',
  'chu-m': 'em mờ',
  'chu-n': 'en nờ',
  'chu-o': 'o',
  'chu-p': 'pê',
  'chu-q': 'quy',
  'chu-r': 'e rờ',
  'chu-s': 'ét xì',
  'chu-t': 'tê',
  'chu-u': 'u',
  'chu-v': 'vê',
  'chu-w': 'vê kép',
  'chu-x': 'ích xì',
  'chu-y': 'i dài',
  'chu-z': 'dét',
};

// The chime that opens every call; it stays when the voice is turned off.
export const CHIME = 'chime';

const WORD_CLIP = {};
for (const [id, text] of Object.entries(VOICE_CLIPS)) if (!id.startsWith('chu-')) WORD_CLIP[text] = id;

// Clip ids for a number: readNumberViWords mapped to clips.
export function numberClips(n) {
  return readNumberViWords(n).map((w) => WORD_CLIP[w]);
}

// Clip ids for a ticket label: letters by their Vietnamese names, each run of
// digits as one number (leading zeros dropped: "A001" is "a một"); a run too
// long to read as a number is read digit by digit; anything else is skipped.
export function labelClips(label) {
  const clips = [];
  for (const run of String(label).match(/[A-Za-z]|[0-9]+/g) ?? []) {
    if (/[A-Za-z]/.test(run)) {
      clips.push(`chu-${run.toLowerCase()}`);
      continue;
    }
    const n = Number(run);
    if (n <= READ_NUMBER_VI_MAX) clips.push(...numberClips(n));
    else for (const d of run) clips.push(...numberClips(Number(d)));
  }
  return clips;
}

// The voice plan of a call: ["chime", "moi-cong-dan", …label…, "den-quay-so",
// …counter…]; only ["chime"] when voice is false.
export function voicePlan(label, counter, { voice = true } = {}) {
  if (!voice) return [CHIME];
  return [CHIME, 'moi-cong-dan', ...labelClips(label), 'den-quay-so', ...numberClips(Number(counter))];
}

// Pauses after a clip, in seconds: a breath after the chime and around the
// number, a hair between words.
function gapAfter(id, next) {
  if (id === CHIME) return 0.25;
  if (id === 'moi-cong-dan' || next === 'den-quay-so' || id === 'den-quay-so') return 0.12;
  return 0.02;
}

// Plays voice plans in order. Never throws: a clip that cannot be loaded or
// decoded is skipped, a blocked audio output (autoplay policy) is reported
// through onBlocked and the plan still takes its turn, so the queue never
// stalls.
export class VoicePlayer {
  constructor({ baseUrl = '/static/voice/', onBlocked = () => {}, onPlay = () => {} } = {}) {
    this.baseUrl = baseUrl;
    this.onBlocked = onBlocked;
    this.onPlay = onPlay;
    this.ctx = null;
    this.buffers = new Map(); // id → Promise<AudioBuffer|null>
    this.tail = Promise.resolve();
    this.pending = 0;
  }

  // The AudioContext, made on first use (browsers only).
  context() {
    if (!this.ctx && typeof AudioContext !== 'undefined') this.ctx = new AudioContext();
    return this.ctx;
  }

  // Tries to start the audio output; call it from a user gesture (a tap)
  // when the browser blocked autoplay. Resolves true when audio runs.
  async unlock() {
    const ctx = this.context();
    if (!ctx) return false;
    try { await ctx.resume(); } catch { /* stays suspended */ }
    return ctx.state === 'running';
  }

  clip(id) {
    if (!this.buffers.has(id)) {
      const p = (async () => {
        try {
          const res = await fetch(`${this.baseUrl}${id}.wav`);
          if (!res.ok) return null;
          return await this.context().decodeAudioData(await res.arrayBuffer());
        } catch {
          return null;
        }
      })();
      this.buffers.set(id, p);
    }
    return this.buffers.get(id);
  }

  // Fetches and decodes clips ahead of the first call.
  preload(ids) {
    if (this.context()) for (const id of ids) this.clip(id);
  }

  // Queues a plan; resolves when it has been played (or skipped).
  enqueue(plan) {
    this.pending++;
    const run = this.tail.then(() => this.play(plan)).catch(() => {}).finally(() => { this.pending--; });
    this.tail = run;
    return run;
  }

  async play(plan) {
    this.onPlay(plan);
    const ctx = this.context();
    if (!ctx) return;
    if (ctx.state !== 'running' && !(await this.unlock())) {
      this.onBlocked();
      return;
    }
    const buffers = await Promise.all(plan.map((id) => this.clip(id)));
    let t = ctx.currentTime + 0.05;
    const start = t;
    buffers.forEach((buf, i) => {
      if (!buf) return;
      const src = ctx.createBufferSource();
      src.buffer = buf;
      src.connect(ctx.destination);
      src.start(t);
      t += buf.duration + gapAfter(plan[i], plan[i + 1]);
    });
    // Wait on the clock, not on 'ended' events, which a missing audio
    // device may never send; a short silence separates two calls.
    await new Promise((resolve) => setTimeout(resolve, (t - start) * 1000 + 600));
  }
}
