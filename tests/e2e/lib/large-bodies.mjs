// Slow large uploads against the feedback intake's bound on large bodies
// (docs/api.md "Feedback": 16 at once, 2 per address), and the server's own
// count of them (/metrics motcua_http_large_bodies), which the tests wait on:
// a slow upload holds a slot only once the server has read its head, in its
// own time, and a request whose head it reads first takes the slot instead.
import net from 'node:net';

// Opens a connection from addr that announces a 2 MiB feedback and sends
// 100 KB of it, then nothing. Resolves the socket once connected; whatever
// the server answers on it (a refused upload is answered at once) collects
// in sock.answer, and its closing sets sock.gone.
export const holdLarge = (port, addr) => new Promise((resolve, reject) => {
  const sock = net.connect({ host: '127.0.0.1', port, localAddress: addr }, () => {
    sock.off('error', reject);
    sock.answer = '';
    sock.on('data', (d) => { sock.answer += d; });
    sock.on('error', (e) => { sock.gone = e.message; });
    sock.on('close', () => { sock.gone ??= 'closed'; });
    sock.write('POST /api/v1/public/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
      + `Content-Length: ${2 * 1024 * 1024}\r\n\r\n{"class":"other","text":"`);
    sock.write('a'.repeat(100000));
    resolve(sock);
  });
  sock.on('error', reject);
});

// The large bodies server s holds now, by its /metrics.
export const largeBodiesHeld = async (s) => {
  const r = await s.req('GET', '/metrics');
  const m = r.text.match(/^motcua_http_large_bodies (\d+)$/m);
  if (r.status !== 200 || !m) throw new Error(`no motcua_http_large_bodies in /metrics: ${r.status} ${r.text.slice(0, 200)}`);
  return Number(m[1]);
};

// Waits (at most ms) until s holds n large bodies. Fails at once when one
// of the uploads in socks was answered or closed (it holds no slot, so n
// would never come) and at the bound with the last count.
export const waitLargeBodies = async (s, n, socks = [], ms = 20000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const lost = socks.findIndex((sock) => sock.answer || sock.gone);
    if (lost >= 0) {
      const sock = socks[lost];
      throw new Error(`slow upload ${lost} lost before the server held ${n}: ${sock.answer.split('\r\n')[0] || sock.gone}`);
    }
    const held = await largeBodiesHeld(s);
    if (held === n) return;
    if (Date.now() > deadline) throw new Error(`the server holds ${held} large bodies, not ${n}, after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
