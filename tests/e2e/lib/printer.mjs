// The real IPP test printer (tests/fixtures/ipp-printer) for end-to-end tests:
// ippeveprinter on a loopback port keeping every job as a file in DIR/spool.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SOURCE, startServer, TEST_BUNDLE } from './harness.mjs';

const FIXTURE = path.join(SOURCE, 'tests/fixtures/ipp-printer');

function fixture(cmd, dir) {
  const r = spawnSync(FIXTURE, [cmd, dir], { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`ipp-printer ${cmd}: ${r.status} ${r.stderr}`);
  return r.stdout.trim();
}

export class TestPrinter {
  constructor() {
    this.dir = mkdtempSync(path.join(tmpdir(), 'motcua-ipp-'));
    this.uri = fixture('start', this.dir).split('\n').pop();
    this.spool = path.join(this.dir, 'spool');
  }

  // The printer switched off / on again (same port, same URI).
  off() { fixture('stop-printer', this.dir); }
  on() { fixture('start-printer', this.dir); }
  // The printer stalled (SIGSTOP: it accepts connections, never answers) and
  // going on again; a job sent meanwhile is answered once it goes on.
  pause() { fixture('pause', this.dir); }
  resume() { fixture('resume', this.dir); }

  // The PDF jobs received so far, oldest first: [{name, path}].
  pdfs() {
    return readdirSync(this.spool)
      .filter((f) => f.endsWith('.pdf'))
      .map((f) => ({ name: f, path: path.join(this.spool, f), id: parseInt(f, 10) }))
      .sort((a, b) => a.id - b.id);
  }

  bytes(file) { return readFileSync(file.path); }

  // The text of a received PDF (pdftotext, layout kept).
  text(file) {
    const r = spawnSync('pdftotext', ['-layout', file.path, '-'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pdftotext: ${r.stderr}`);
    return r.stdout;
  }

  stop() {
    try { fixture('stop', this.dir); } finally { rmSync(this.dir, { recursive: true, force: true }); }
  }
}

// Polls fn until it returns a truthy value, or throws after ms.
export async function waitFor(fn, ms = 10000, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export { statSync };

// A server on TEST_BUNDLE with a TestPrinter; fields(uri) gives the fields
// over the bundle's (printers naming uri as a target...). Resolves
// {s, printer, stop()}; on failure stops what it started and rejects.
export async function startWithPrinter(fields) {
  const o = { s: null, printer: new TestPrinter() };
  o.stop = async () => { await o.s?.stop(); o.s?.cleanup(); o.printer.stop(); };
  try {
    o.s = await startServer({ bundle: { ...TEST_BUNDLE, ...fields(o.printer.uri) } });
  } catch (e) {
    await o.stop();
    throw e;
  }
  return o;
}

// Bundle fields for startWithPrinter: kiosk 'kiosk-p' prints on the test
// printer ('kiosk-printer', 80 mm PDF); devices are added after it.
export const kioskPrinter = (uri, devices = []) => ({
  printers: [{ name: 'kiosk-printer', target: uri, format: 'pdf', paper: '80mm' }],
  devices: [
    ...TEST_BUNDLE.devices,
    { kind: 'kiosk', name: 'kiosk-p', prints: true, printer: 'kiosk-printer' },
    ...devices,
  ],
});
