// motcua-counter for end-to-end tests: each Clerk has its own config folder,
// so tests never touch the user's ~/.config. Runs are asynchronous (the test
// process may be serving a proxy meanwhile).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, PASSWORDS } from './harness.mjs';
import { DOSSIER_BUNDLE } from './dossier-bundle.mjs';
import { TestPrinter } from './printer.mjs';

export const COUNTER_BIN = path.join(process.env.MOTCUA_BIN ?? path.resolve('build/bin'), 'motcua-counter');

// Under a sanitizer build, LeakSanitizer's list of suppressions used is not
// part of what the clerk sees.
export function lsan() {
  const o = process.env.LSAN_OPTIONS;
  return o ? { LSAN_OPTIONS: `${o}:print_suppressions=0` } : {};
}

// Runs motcua-counter with args; resolves {status, stdout, stderr}.
export function runCounter(args, { input = '', env = {}, timeout = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(COUNTER_BIN, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', ...lsan(), ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const t = setTimeout(() => p.kill('SIGKILL'), timeout);
    p.on('error', reject);
    p.on('close', (status) => {
      clearTimeout(t);
      if (/ERROR: (Address|Leak)Sanitizer|runtime error:|(WARNING|FATAL|ERROR): ThreadSanitizer/.test(stderr)) {
        reject(new Error(`sanitizer report from motcua-counter ${args.join(' ')}:\n${stderr}`));
        return;
      }
      resolve({ status, stdout, stderr });
    });
    // A command that fails on its arguments exits before reading its
    // input: the closed pipe is no error of the test's.
    p.stdin.on('error', () => {});
    p.stdin.end(input);
  });
}

export class Clerk {
  constructor(server) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'motcua-counter-'));
    this.server = server;
  }

  // Runs a command with this clerk's config folder (and --server when given).
  run(args, opts = {}) {
    const pre = ['--config-dir', this.dir];
    if (this.server) pre.push('--server', this.server);
    return runCounter([...pre, ...args], opts);
  }

  async login(user, password, extra = []) {
    return this.run(['login', '--user', user, '--password-stdin', ...extra], { input: `${password}\n` });
  }

  // motcua-counter with this clerk's config folder on a pseudo-terminal
  // (script(1)), with env added; returns the child, its output (stdout and
  // stderr together) on 'data'.
  spawnTerminal(args, env = {}) {
    const pre = ['--config-dir', this.dir];
    if (this.server) pre.push('--server', this.server);
    const cmd = [COUNTER_BIN, ...pre, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    return spawn('script', ['-qfec', cmd, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', TERM: 'xterm', ...lsan(), ...env },
    });
  }

  // Runs a command on a pseudo-terminal with input typed in; resolves
  // {status, out} once it exits (killed after 30 s).
  onTerminal(args, input, env = {}) {
    return new Promise((resolve) => {
      const p = this.spawnTerminal(args, env);
      let out = '';
      p.stdout.on('data', (d) => { out += d; });
      p.stderr.on('data', (d) => { out += d; });
      const t = setTimeout(() => p.kill('SIGKILL'), 30000);
      p.on('close', (status) => { clearTimeout(t); resolve({ status, out }); });
      p.stdin.end(input);
    });
  }

  configPath() { return path.join(this.dir, 'counter.json'); }
  config() { return JSON.parse(readFileSync(this.configPath(), 'utf8')); }
  configMode() { return statSync(this.configPath()).mode & 0o777; }
  cleanup() { rmSync(this.dir, { recursive: true, force: true }); }
}

// The dossier office (DOSSIER_BUNDLE) with one test printer and a clerk.
// printer: {name, paper, default} (PDF); unless default, counter 1 prints on
// it. office: fields over the bundle's office. login: log the clerk in as
// clerk1. Resolves {s, printer, clerk, stop()}; on failure stops what it
// started and rejects.
export async function startCounterOffice({ printer: p, office, login = true } = {}) {
  const o = { s: null, printer: null, clerk: null };
  o.stop = async () => { await o.s?.stop(); o.s?.cleanup(); o.printer?.stop(); o.clerk?.cleanup(); };
  const bundle = { ...DOSSIER_BUNDLE };
  if (office) bundle.office = { ...DOSSIER_BUNDLE.office, ...office };
  if (p) {
    o.printer = new TestPrinter();
    bundle.printers = [{ name: p.name, target: o.printer.uri, format: 'pdf', paper: p.paper, ...(p.default ? { default: true } : {}) }];
    if (!p.default) bundle.counters = DOSSIER_BUNDLE.counters.map((c) => (c.no === 1 ? { ...c, printer: p.name } : c));
  }
  try {
    o.s = await startServer({ bundle });
    o.clerk = new Clerk(o.s.base);
    if (login) {
      const r = await o.clerk.login('clerk1', PASSWORDS.clerk1);
      if (r.status !== 0) throw new Error(`clerk1 cannot log in: ${r.status}\n${r.stderr}`);
    }
  } catch (e) {
    await o.stop();
    throw e;
  }
  return o;
}
