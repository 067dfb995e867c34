// The fake providers of the notification channels for the end-to-end tests
// (docs/notifications.md): a fake SMTP relay, a fake SMS brandname gateway
// and a fake Zalo ZNS (tests/fixtures/fake-smtp.mjs, fake-sms.mjs,
// fake-zns.mjs), all on 127.0.0.1 on free ports, and the bundle's
// "notifications" section pointing a server at them.
//
// API
//   import { startFakes } from './lib/fakes.mjs';
//   const fakes = await startFakes();              // in this process (default)
//   const fakes = await startFakes({ child: true }); // each fake a child node process
//   Options (all optional): smtp: {username, password, mode}, sms: {token, mode},
//   zns: {appId, secretKey, refreshToken, accessToken, mode}; only: ['sms', …]
//   starts those fakes only (the others are null).
//
//   fakes.smtp / fakes.sms / fakes.zns — one handle per fake, the same in both ways:
//     .url                       the endpoint (smtp://127.0.0.1:P, http://127.0.0.1:P/api/send,
//                                http://127.0.0.1:P/message/template); zns also .tokenUrl
//     await .got()               the messages accepted so far (see each fixture's header:
//                                smtp: {mailFrom, rcptTo, auth, subject, from, to, messageId,
//                                date, headers, body (decoded)}; sms: {headers, json, raw,
//                                smsId}; zns: {headers, json, accessToken, msgId})
//     await .seen()              every request/connection, whatever the mode answered
//     await .setMode(mode, {seconds, next})  'ok' | 'down' | 'slow' | 'garbage' | '500'
//                                (sms also '400' | '429' | 'refused' | 'huge'; smtp also '451';
//                                zns also 'expired-token' | 'invalid-token' | 'bad-phone');
//                                next: n = for the next n requests, then 'ok'
//     await .waitFor(pred, {timeout = 15000, what})  the first accepted message for which
//                                pred(msg) is true, polling; throws after timeout
//     await .reset()             forgets what was received
//     zns only: await .state()   {mode, refreshToken (the one good now), accessTokens, refreshes}
//               await .expire()  every access token issued so far is expired now
//     .messages                  (in-process only) the live array of accepted messages
//     .fake                      (in-process only) the fixture's own object
//
//   fakes.config(overrides)     the bundle's "notifications" section: email, sms, zalo
//                                pointing at the fakes (short timeouts: 3 s), brand
//                                'TTHCC THU', the SMS fields renamed (phone → "so_dt",
//                                text → "noi_dung", brand → "thuong_hieu", request_id →
//                                "ma_yc") so a test sees they are followed, ok_field "code" =
//                                "00", Zalo templates for every trigger (ZALO_TEMPLATES).
//                                overrides: {email: {...}, sms: {...}, zalo: {...},
//                                channels: ['sms'] (only these), and any top-level key
//                                (quiet_hours, max_attempts, …)} merged in (a channel's
//                                object shallowly; null drops a key).
//   await fakes.stop()
//
//   const { s, fakes } = await startServerWithFakes({ bundle, fakes: {only: ['sms']},
//     notifications: {channels: ['sms']}, settings, args })
//                                the fakes started (startFakes' options), then a server
//                                (harness startServer) over bundle (DOSSIER_BUNDLE unless
//                                given) whose "notifications" section is
//                                fakes.config(notifications) and whose settings are the
//                                bundle's with `settings` merged in; args as startServer's.
//                                stopAll(s, fakes) stops and cleans up both (either may be
//                                undefined: a before() that failed half way).
//   await waitUntil(pred, what, ms = 20000)  pred's first truthy value, polling; throws
//                                'timed out: what' after ms
//   await waitNotification(s, id, pred, what, ms = 20000)  the notifications row id once
//                                pred(row) is true, polling; throws with the row after ms
//
// Example
//   const fakes = await startFakes();
//   const server = await startServer({ bundle: { ...TEST_BUNDLE, notifications: fakes.config() } });
//   … cause a message …
//   const m = await fakes.sms.waitFor((x) => x.json.ma_yc === String(rowId));
//   await fakes.stop();
import { spawn } from 'node:child_process';
import path from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { startFakeSms } from '../../fixtures/fake-sms.mjs';
import { startFakeSmtp } from '../../fixtures/fake-smtp.mjs';
import { startFakeZns } from '../../fixtures/fake-zns.mjs';
import { startServer } from './harness.mjs';
import { DOSSIER_BUNDLE } from './dossier-bundle.mjs';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

// A ZNS template id for every trigger (the fake takes any).
export const ZALO_TEMPLATES = {
  received: '239001', supplement: '239002', apology: '239003', result_ready: '239004',
  reminder: '239005', booking_confirmed: '239006', booking_reminder: '239007',
  booking_cancelled: '239008', feedback_answered: '239009', test: '239010',
};

export const SMS_FIELDS = { phone: 'so_dt', text: 'noi_dung', brand: 'thuong_hieu', request_id: 'ma_yc' };

async function poll(get, pred, { timeout = 15000, what = 'a message' } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const list = await get();
    const hit = list.find(pred);
    if (hit) return hit;
    if (Date.now() > end) {
      throw new Error(`fake provider: no ${what} within ${timeout} ms; got ${JSON.stringify(list).slice(0, 2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A handle over a fixture running in this process.
function local(fake) {
  const h = {
    fake,
    url: fake.url,
    tokenUrl: fake.tokenUrl,
    messages: fake.messages,
    got: async () => [...fake.messages],
    seen: async () => [...fake.requests],
    setMode: async (m, o) => fake.setMode(m, o),
    reset: async () => fake.reset(),
    waitFor: (pred, o) => poll(h.got, pred, o),
    stop: () => fake.stop(),
  };
  if (fake.state) { h.state = async () => fake.state(); h.expire = async () => fake.expire(); }
  return h;
}

function ctl(port, method, p, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const req = http.request({ host: '127.0.0.1', port, method, path: p, agent: false,
      headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const j = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
        if (res.statusCode !== 200) reject(new Error(`fake control ${p}: ${JSON.stringify(j)}`));
        else resolve(j);
      });
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

// A fixture as a child process: `node fake-X.mjs --flags`, controlled over HTTP.
async function child(file, args) {
  const proc = spawn(process.execPath, [path.join(FIXTURES, file), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${file} did not start`)), 10000);
    proc.stdout.on('data', (d) => {
      out += d;
      const i = out.indexOf('\n');
      if (i >= 0) { clearTimeout(timer); resolve(JSON.parse(out.slice(0, i))); }
    });
    proc.once('exit', (c) => reject(new Error(`${file} exited ${c}`)));
  });
  const c = info.control;
  const h = {
    proc,
    url: info.url,
    tokenUrl: info.tokenUrl,
    got: () => ctl(c, 'GET', '/messages'),
    seen: () => ctl(c, 'GET', '/requests'),
    setMode: (mode, o = {}) => ctl(c, 'POST', '/mode', { mode, ...o }),
    reset: () => ctl(c, 'POST', '/reset', {}),
    state: () => ctl(c, 'GET', '/state'),
    expire: () => ctl(c, 'POST', '/mode', { mode: 'expired-token' }),
    waitFor: (pred, o) => poll(h.got, pred, o),
    stop: async () => {
      if (proc.exitCode !== null) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await gone;
    },
  };
  return h;
}

const flag = (o) => Object.entries(o).filter(([, v]) => v !== undefined && v !== null).flatMap(([k, v]) => [`--${k}`, String(v)]);

// Starts the fakes; resolves {smtp, sms, zns, config(overrides), stop()}.
export async function startFakes({ child: asChild = false, only = ['smtp', 'sms', 'zns'],
  smtp = {}, sms = {}, zns = {} } = {}) {
  const o = {
    // No relay login unless asked: a login needs STARTTLS, which the fake relay does not offer.
    smtp: { ...smtp },
    sms: { token: 'sms-token-1', ...sms },
    zns: { appId: 'app-1', secretKey: 'zalo-secret', refreshToken: 'rt-0', ...zns },
  };
  const f = { smtp: null, sms: null, zns: null };
  if (asChild) {
    if (only.includes('smtp')) f.smtp = await child('fake-smtp.mjs', flag({ mode: o.smtp.mode, username: o.smtp.username, password: o.smtp.password }));
    if (only.includes('sms')) f.sms = await child('fake-sms.mjs', flag({ mode: o.sms.mode, token: o.sms.token }));
    if (only.includes('zns')) f.zns = await child('fake-zns.mjs', flag({ mode: o.zns.mode, 'app-id': o.zns.appId, 'secret-key': o.zns.secretKey, 'refresh-token': o.zns.refreshToken }));
  } else {
    if (only.includes('smtp')) f.smtp = local(await startFakeSmtp(o.smtp));
    if (only.includes('sms')) f.sms = local(await startFakeSms(o.sms));
    if (only.includes('zns')) f.zns = local(await startFakeZns(o.zns));
  }

  f.config = (over = {}) => {
    const { email: oe = {}, sms: os = {}, zalo: oz = {}, channels, ...top } = over;
    const merge = (a, b) => {
      const r = { ...a, ...b };
      for (const k of Object.keys(r)) if (r[k] === null) delete r[k];
      return r;
    };
    const cfg = { ...top };
    const want = (c) => (channels ? channels.includes(c) : true);
    if (f.smtp && want('email')) {
      cfg.email = merge({ url: f.smtp.url, from: 'Trung tâm Phục vụ hành chính công thử nghiệm <khongtraloi@motcua.test>',
        username: o.smtp.username, password: o.smtp.password, timeout_s: 3 }, oe);
    }
    if (f.sms && want('sms')) {
      cfg.sms = merge({ url: f.sms.url, token: o.sms.token, brand: 'TTHCC THU', ascii: 'auto',
        fields: { ...SMS_FIELDS }, ok_field: 'code', ok_value: '00', timeout_s: 3 }, os);
    }
    if (f.zns && want('zalo')) {
      cfg.zalo = merge({ url: f.zns.url, token_url: f.zns.tokenUrl, app_id: o.zns.appId,
        secret_key: o.zns.secretKey, refresh_token: o.zns.refreshToken,
        templates: { ...ZALO_TEMPLATES }, timeout_s: 3 }, oz);
    }
    for (const k of Object.keys(cfg)) if (cfg[k] === null) delete cfg[k];
    return cfg;
  };
  f.stop = async () => { await Promise.all([f.smtp, f.sms, f.zns].filter(Boolean).map((h) => h.stop())); };
  return f;
}

// A server whose notifications go to fakes (see the header).
export async function startServerWithFakes({ bundle = DOSSIER_BUNDLE, fakes: fakeOpts = {},
  notifications = {}, settings, args = [], env } = {}) {
  const fakes = await startFakes(fakeOpts);
  try {
    const b = { ...bundle, notifications: fakes.config(notifications) };
    if (settings) b.settings = { ...bundle.settings, ...settings };
    const s = await startServer({ bundle: b, args, env });
    return { s, fakes };
  } catch (e) {
    await fakes.stop();
    throw e;
  }
}

export async function stopAll(s, fakes) {
  await s?.stop();
  s?.cleanup();
  await fakes?.stop();
}

export async function waitUntil(pred, what, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function waitNotification(s, id, pred, what, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const [r] = s.sql(`SELECT * FROM notifications WHERE id = ${id}`);
    if (pred(r)) return r;
    if (Date.now() > end) throw new Error(`timed out: ${what}: ${JSON.stringify(r)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
