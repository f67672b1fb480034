/**
 * Browser tests' support: the built client (rebuilt when its sources are newer), the real app on
 * a free port, Debian's Chromium through playwright-core (never a downloaded browser), axe-core
 * checks and screenshots into test-results/screenshots/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(root, 'test-results/screenshots');
const CHROMIUM = '/usr/bin/chromium';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the client when dist/client is missing or older than any file under client/. */
export function ensureClientBuilt() {
  const index = path.join(root, 'dist/client/index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  if (built >= newestMtime(path.join(root, 'client'))) return;
  execFileSync('npm', ['run', 'build:client'], { cwd: root, stdio: 'ignore', timeout: 180_000 });
}

export interface RunningServer {
  url: string;
  close: () => Promise<void>;
}

export async function listen(app: http.RequestListener): Promise<RunningServer> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does.`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 860 };
const BROWSER_LOCALES = { ar: 'ar-MA', fr: 'fr-FR', en: 'en-GB' } as const;

/** A fresh browser profile whose browser language is the given one (the client follows it). */
export async function newContext(browser: Browser, baseURL: string, locale: keyof typeof BROWSER_LOCALES, viewport = DESKTOP): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, locale: BROWSER_LOCALES[locale], viewport, acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  return context;
}

/** Collects what would show as errors in the console: uncaught exceptions and CSP refusals. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

export interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Injected as a script element's text content through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(axe.source);
  // A string, because this file is compiled without the DOM's types.
  const violations = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)")) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n    ')}`).join('\n');
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export type Locale = 'ar' | 'fr' | 'en';
/** The client's own dictionaries, so tests find buttons by the words users see in each language. */
export async function loadDictionary(locale: Locale): Promise<Record<string, string>> {
  const file = path.join(root, 'client/src/i18n', `${locale}.ts`);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, Record<string, string>>;
  return mod[locale]!;
}

/** The verification address a certificate PDF carries (its QR code and its printed link). */
export function verifyUrlInPdf(pdf: Buffer): string | undefined {
  const match = /\/URI \((https?:[^)]*\/verify\/[^)]*)\)/.exec(pdf.toString('latin1'));
  return match?.[1];
}
