// Headless Chromium for the screen tests: Debian's /usr/bin/chromium driven
// by playwright-core (tests/e2e/package.json; `npm ci` in tests/e2e).
// The tests skip when /usr/bin/chromium is missing, and only then.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
export const SKIP = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium)`;

export const SIZES = {
  tv: { width: 1920, height: 1080 },
  tablet: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
  kiosk: { width: 1080, height: 1920 },
};

// Screenshots land in $MOTCUA_BUILD/screenshots/.
export const SHOTS = path.join(process.env.MOTCUA_BUILD ?? path.resolve('build'), 'screenshots');

// Starts Chromium. Playwright gives every launch a fresh temporary profile
// (user-data dir) and every context its own storage.
export async function launch() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Error(`playwright-core is not installed: run "npm ci" in tests/e2e (${e.message})`);
  }
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // The board speaks without a tap first, as on a hall TV set up so.
      '--autoplay-policy=no-user-gesture-required', '--mute-audio',
    ],
  });
}

// A page in a fresh context at a viewport size, with uncaught script errors
// collected into page.errors (console errors, e.g. a refused connection
// while the server restarts, into page.consoleErrors).
export async function openPage(browser, url, size = SIZES.tv) {
  const context = await browser.newContext({ viewport: size, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  page.errors = [];
  page.consoleErrors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  await page.goto(url);
  return page;
}

// Saves a screenshot as $MOTCUA_BUILD/screenshots/<name>.png.
export async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}
