// motcua-counter for end-to-end tests: each Clerk has its own config folder,
// so tests never touch the user's ~/.config. Runs are asynchronous (the test
// process may be serving a proxy meanwhile).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

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

  configPath() { return path.join(this.dir, 'counter.json'); }
  config() { return JSON.parse(readFileSync(this.configPath(), 'utf8')); }
  configMode() { return statSync(this.configPath()).mode & 0o777; }
  cleanup() { rmSync(this.dir, { recursive: true, force: true }); }
}
