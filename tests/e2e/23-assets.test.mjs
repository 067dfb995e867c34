// The embedded screens over plain HTTP: content types, gzip when accepted
// (and plain bytes when not), ETag and 304, and the voice clips.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import http from 'node:http';
import { startServer, SOURCE } from './lib/harness.mjs';

const { VOICE_CLIPS, CHIME } = await import(pathToFileURL(path.join(SOURCE, 'display', 'voice-vi.js')).href);

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); s.cleanup(); });

// GET with raw bytes back (the harness decodes text).
function get(p, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(new URL(p, s.base), { headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

const FILES = {
  '/board': ['text/html; charset=utf-8', 'board.html'],
  '/kiosk': ['text/html; charset=utf-8', 'kiosk.html'],
  '/static/board.js': ['text/javascript; charset=utf-8', 'board.js'],
  '/static/number-vi.js': ['text/javascript; charset=utf-8', 'number-vi.js'],
  '/static/board.css': ['text/css; charset=utf-8', 'board.css'],
};

test('pages and files: content type, gzip, plain fallback', async () => {
  for (const [p, [type, file]] of Object.entries(FILES)) {
    const want = readFileSync(path.join(SOURCE, 'display', file));
    const plain = await get(p);
    assert.equal(plain.status, 200, p);
    assert.equal(plain.headers['content-type'], type, p);
    assert.equal(plain.headers['content-encoding'], undefined, `${p}: no gzip unless asked`);
    assert.ok(plain.body.equals(want), `${p}: the file as is`);
    assert.equal(plain.headers['cache-control'], 'no-cache');
    assert.equal(plain.headers.vary, 'Accept-Encoding');

    const gz = await get(p, { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(gz.status, 200);
    assert.equal(gz.headers['content-encoding'], 'gzip', p);
    assert.equal(gz.headers['content-type'], type);
    assert.ok(gz.body.length < want.length, `${p}: smaller`);
    assert.ok(gunzipSync(gz.body).equals(want), `${p}: gunzips to the file`);
    assert.notEqual(gz.headers.etag, plain.headers.etag, 'one ETag per representation');

    const refused = await get(p, { 'Accept-Encoding': 'gzip;q=0, identity' });
    assert.equal(refused.headers['content-encoding'], undefined, `${p}: gzip;q=0 is a no`);
  }
});

test('ETag and 304 Not Modified', async () => {
  const first = await get('/static/board.js', { 'Accept-Encoding': 'gzip' });
  const etag = first.headers.etag;
  assert.match(etag, /^"[0-9a-f]{16}-gz"$/);
  const again = await get('/static/board.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, etag);
  // Either representation's tag, weak or in a list, validates.
  const plainTag = etag.replace('-gz', '');
  for (const inm of [plainTag, `W/${etag}`, `"nope", ${plainTag}`, '*']) {
    assert.equal((await get('/static/board.js', { 'If-None-Match': inm })).status, 304, inm);
  }
  const other = await get('/static/board.js', { 'If-None-Match': '"0000000000000000"' });
  assert.equal(other.status, 200);
  const kiosk = await get('/static/kiosk.js', { 'If-None-Match': etag });
  assert.equal(kiosk.status, 200, 'another file\'s tag does not match');
});

test('unknown files are 404; nothing outside the table is reachable', async () => {
  for (const p of ['/static/nope.js', '/static/../CMakeLists.txt', '/static/voice/../../core/src/main.c',
    '/static/package.json', '/static/voice-clips.txt', '/static/voice/nope.wav']) {
    const r = await s.req('GET', p);
    assert.equal(r.status, 404, p);
    assert.equal(r.json.error.code, 'not_found');
  }
  assert.equal((await s.req('POST', '/board')).status, 405);
});

test('the voice clips: the list in display/voice-clips.txt, served as 16 kHz WAV', async () => {
  const listed = {};
  for (const line of readFileSync(path.join(SOURCE, 'display', 'voice-clips.txt'), 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [id, text] = line.split('\t');
    listed[id] = text;
  }
  assert.deepEqual(listed, VOICE_CLIPS, 'voice-clips.txt and voice-vi.js agree');
  for (const id of [CHIME, ...Object.keys(VOICE_CLIPS)]) {
    const r = await get(`/static/voice/${id}.wav`, { 'Accept-Encoding': 'gzip' });
    assert.equal(r.status, 200, id);
    assert.equal(r.headers['content-type'], 'audio/wav');
    const wav = r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body;
    assert.equal(wav.toString('latin1', 0, 4), 'RIFF', id);
    assert.equal(wav.toString('latin1', 8, 12), 'WAVE', id);
    assert.equal(wav.readUInt16LE(22), 1, `${id}: mono`);
    assert.equal(wav.readUInt32LE(24), 16000, `${id}: 16 kHz`);
    const seconds = wav.readUInt32LE(40) / 32000;
    assert.ok(seconds > 0.1 && seconds < 4, `${id}: ${seconds} s`);
  }
});

test('a plain GET of a page keeps the connection alive', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set();
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve, reject) => {
      http.get(new URL('/board', s.base), { agent }, (res) => {
        sockets.add(res.socket);
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
  }
  agent.destroy();
  assert.equal(sockets.size, 1, 'one connection for three requests');
});
