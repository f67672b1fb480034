/**
 * The web client in Debian's Chromium against the real app: a visitor, an admin importing a
 * legacy record, the public searching by words and by photo, an artisan filing a design from a
 * phone, an examiner registering it, and the certificate's verification; every main page checked
 * with axe-core in Arabic and French and photographed at 360 and 1280 px (test-results/screenshots).
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createStaff, ensureFirstAdmin } from '../../server/modules/accounts/accounts.service.js';
import { Application } from '../../server/modules/applications/application.model.js';
import { createTestApp } from '../support/app.js';
import {
  DESKTOP,
  PHONE,
  describeViolations,
  ensureClientBuilt,
  launchBrowser,
  listen,
  loadDictionary,
  newContext,
  screenshot,
  seriousViolations,
  verifyUrlInPdf,
  watchErrors,
  type Locale,
  type RunningServer,
} from '../support/browser.js';
import { resetDatabase } from '../support/db.js';
import { events } from '../../server/lib/events.js';
import { alter, renderMotif } from '../support/motifs.js';

const ADMIN = { email: 'admin@naqsh.test', password: 'admin password for tests' };
const EXAMINER = { email: 'examiner@naqsh.test', password: 'examiner password 42', fullName: 'Karim Bennani' };
const ARTISAN = { email: 'fatima@example.ma', password: 'زربية جميلة من تازناخت', fullName: 'فاطمة الزهراء' };
const LEGACY = { registrationNumber: 'DM-1998-0042', ar: 'زربية الوردة الحمراء', fr: 'Tapis à la rose rouge' };
const DESIGN = { ar: 'زربية النجمة الزرقاء', fr: "Tapis à l'étoile bleue" };

type Dict = Record<string, string>;

describe('Web client in Chromium', function () {
  this.timeout(120_000);
  let server: RunningServer;
  let browser: Browser;
  const dict = {} as Record<Locale, Dict>;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  let legacyJpeg: Buffer;
  let designJpeg: Buffer;

  /** A new browser profile whose language is `locale`; its uncaught errors are collected. */
  async function open(locale: Locale, viewport = DESKTOP): Promise<Page> {
    const context = await newContext(browser, server.url, locale, viewport);
    contexts.push(context);
    const page = await context.newPage();
    errors.push(...watchErrors(page));
    page.on('pageerror', (err) => errors.push(err.message));
    return page;
  }

  /** No serious or critical axe violation; a screenshot at 360 and at 1280 px. */
  async function checkPage(page: Page, name: string) {
    const violations = await seriousViolations(page);
    assert.equal(violations.length, 0, `${name}:\n${describeViolations(violations)}`);
    const before = page.viewportSize() ?? DESKTOP;
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      await page.waitForTimeout(150);
      await screenshot(page, `${name}-${size.width}`);
    }
    await page.setViewportSize(before);
  }

  async function signIn(page: Page, locale: Locale, email: string, password: string) {
    await page.goto('/signin');
    await page.getByLabel(dict[locale]['field.email']!).fill(email);
    await page.getByLabel(dict[locale]['field.password']!).fill(password);
    await page.getByRole('button', { name: dict[locale]['signin.submit'], exact: true }).click();
  }

  before(async function () {
    this.timeout(300_000);
    ensureClientBuilt();
    await resetDatabase();
    const { app, config, logger } = createTestApp({ SERVE_CLIENT: 'true', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    await ensureFirstAdmin(config, logger);
    await createStaff({ ...EXAMINER, role: 'examiner' });
    server = await listen(app);
    browser = await launchBrowser();
    for (const l of ['ar', 'fr', 'en'] as const) dict[l] = await loadDictionary(l);
    legacyJpeg = (await renderMotif(11, 2, 640)).jpeg;
    designJpeg = (await renderMotif(23, 5, 900)).jpeg;
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  afterEach(function () {
    // Close this test's pages: a browser full of open tabs is slow on two cores.
    for (const c of contexts.splice(0)) void c.close().catch(() => undefined);
    const found = errors.splice(0);
    if (this.currentTest?.state === 'passed') assert.deepEqual(found, [], 'the pages raised errors');
  });

  it('When a visitor with an Arabic browser opens the home page, then it is in Arabic right to left, and a switch to French is remembered', async () => {
    const page = await open('ar');
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: dict.ar['home.title'] }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'ar');
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    await checkPage(page, 'home-ar');

    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('heading', { level: 1, name: dict.fr['home.title'] }).waitFor();
    assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: dict.fr['home.title'] }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    await checkPage(page, 'home-fr');
  });

  it('When an admin imports a legacy record with its image, then the import reports it done', async () => {
    const page = await open('fr');
    await signIn(page, 'fr', ADMIN.email, ADMIN.password);
    await page.waitForURL('**/admin');
    await page.getByRole('link', { name: dict.fr['admin.import'] }).click();
    const manifest = [
      {
        protectionType: 'industrial_design',
        title: { ar: LEGACY.ar, fr: LEGACY.fr },
        description: { fr: 'Motif floral tissé à Taznakht.' },
        craft: 'carpet',
        region: 'souss-massa',
        registrationNumber: LEGACY.registrationNumber,
        registeredAt: '1998-05-12',
        status: 'registered',
        images: ['rose.jpg'],
      },
    ];
    await page.getByLabel(dict.fr['import.manifest']!).setInputFiles({ name: 'manifest.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(manifest)) });
    await page.getByLabel(dict.fr['import.images']!).setInputFiles({ name: 'rose.jpg', mimeType: 'image/jpeg', buffer: legacyJpeg });
    await page.getByRole('button', { name: dict.fr['import.start'] }).click();
    await page.getByText('1 importées, 0 en échec.').waitFor();
  });

  it('When the public searches by an Arabic word, then the record is found, and its page gives every language', async () => {
    const page = await open('ar');
    await page.goto('/');
    // Without the article and with a final ha for the ta marbuta: the search normalises both.
    await page.getByRole('combobox', { name: dict.ar['search.label'] }).fill('زربيه');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?q=/);
    const card = page.locator('.result-card', { hasText: LEGACY.ar });
    await card.waitFor();
    await checkPage(page, 'results-ar');

    await card.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: LEGACY.ar }).waitFor();
    assert.equal(await page.locator(`[lang="fr"]`, { hasText: LEGACY.fr }).count(), 1, 'the French title is shown, marked as French');
    await page.getByText(LEGACY.registrationNumber).first().waitFor();
    await checkPage(page, 'record-ar');

    const fr = await open('fr');
    await fr.goto(`/search?q=${encodeURIComponent('tapis')}`);
    await fr.locator('.result-card', { hasText: LEGACY.fr }).waitFor();
    await checkPage(fr, 'results-fr');
    await fr.locator('.result-card a').first().click();
    await fr.getByRole('heading', { level: 1, name: LEGACY.fr }).waitFor();
    await checkPage(fr, 'record-fr');
  });

  it('When the public searches with a photo of the motif and marks part of it, then the record is the best match', async () => {
    const page = await open('ar', PHONE);
    const photo = await alter('mild', legacyJpeg, 5);
    await page.goto('/');
    await page.locator('input[type="file"]').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo.jpeg });
    await page.waitForURL('**/search/photo');
    const first = page.locator('.result-card').first();
    await first.waitFor();
    assert.match((await first.textContent()) ?? '', new RegExp(LEGACY.ar));

    // Draw a crop box over the middle of the photo, then search again with it.
    const frame = page.locator('.crop-frame');
    const box = (await frame.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.15);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.85, box.y + box.height * 0.85, { steps: 5 });
    await page.mouse.up();
    await page.getByText(dict.ar['photo.cropSet']!).waitFor();
    // Record the text fields of the multipart request the page sends (Chromium does not report file bodies).
    await page.evaluate(`(() => {
      const send = window.fetch;
      window.sentFields = [];
      window.fetch = (url, init) => {
        if (init && init.body instanceof FormData) window.sentFields.push(Object.fromEntries([...init.body.entries()].filter(([, v]) => typeof v === 'string')));
        return send(url, init);
      };
    })()`);
    // Wait for the request itself (polling in the page would need eval, which the app's CSP forbids);
    // the wrapper records the fields before the request leaves.
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/registry/search/image'));
    await page.getByRole('button', { name: dict.ar['photo.searchCrop'] }).click();
    await sent;
    const [fields] = (await page.evaluate('window.sentFields')) as Array<Record<string, string>>;
    for (const key of ['x', 'y', 'w', 'h']) {
      const value = Number(fields?.[key]);
      assert.ok(value > 0 && value < 1, `crop ${key} is sent as a fraction of the photo (got ${fields?.[key]})`);
    }
    assert.ok(Math.abs(Number(fields!.w) - 0.7) < 0.05, `the crop is as wide as drawn (w = ${fields!.w})`);
    await page.locator('.result-card', { hasText: LEGACY.ar }).first().waitFor();
  });

  it('When an artisan signs up on a phone and files a design with a photo, then it is submitted with a signed receipt', async () => {
    const page = await open('ar', PHONE);
    const t = dict.ar;
    await page.goto('/signup');
    await page.getByLabel(t['field.fullName']!).fill(ARTISAN.fullName);
    await page.getByLabel(t['field.email']!).fill(ARTISAN.email);
    await page.getByLabel(t['field.password']!).fill(ARTISAN.password);
    await page.getByRole('button', { name: t['signup.submit'] }).click();
    await page.waitForURL('**/filings/new');

    await page.getByRole('heading', { level: 2, name: t['wizard.step.kind'] }).waitFor();
    await checkPage(page, 'wizard-kind-ar');
    await page.getByLabel(t['kind.industrial_design.name']!).check();
    await page.getByRole('button', { name: t['wizard.next'] }).click();
    await page.getByLabel(t['field.titleAr']!).fill(DESIGN.ar);
    await page.getByLabel(t['field.titleFr']!).fill(DESIGN.fr);
    await page.getByLabel(t['field.craft']!).selectOption('carpet');
    await page.getByLabel(t['field.region']!).selectOption('draa-tafilalet');
    await checkPage(page, 'wizard-about-ar');
    await page.getByRole('button', { name: t['wizard.next'] }).click();

    // The draft exists now and is saved as the artisan goes.
    await page.waitForURL(/\/filings\/[a-f0-9]{24}\/edit\?step=details/);
    await page.getByLabel(t['field.locarnoClass']!).selectOption('06-11');
    await page.locator('.save-state', { hasText: t['wizard.saved']!.split(' (')[0]! }).waitFor();
    await page.getByRole('button', { name: t['wizard.next'] }).click();

    await page.locator('input[type="file"]').setInputFiles({ name: 'zarbiya.jpg', mimeType: 'image/jpeg', buffer: designJpeg });
    await page.getByText(t['photos.done']!, { exact: true }).waitFor();
    await checkPage(page, 'wizard-photos-ar');
    await page.getByRole('button', { name: t['wizard.next'] }).click();

    await page.getByText(t['review.ready']!).waitFor();
    await checkPage(page, 'wizard-review-ar');
    await page.getByRole('button', { name: t['review.submit'], exact: true }).click();
    await page.waitForURL(/\/filings\/[a-f0-9]{24}\/receipt/);
    const number = (await page.locator('.receipt-number').textContent())?.trim();
    assert.match(number ?? '', /\d/, 'the receipt shows the application number');
    assert.equal(await page.locator('.hashes code').count(), 1, 'the receipt lists the photo with its SHA-256');

    await page.goto('/filings');
    const card = page.locator('.filing-card', { hasText: DESIGN.ar });
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', new RegExp(number!));
    await checkPage(page, 'my-filings-ar');

    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('heading', { level: 1, name: dict.fr['mine.title'] }).waitFor();
    await checkPage(page, 'my-filings-fr');
    await page.goto('/filings/new');
    await page.getByRole('heading', { level: 2, name: dict.fr['wizard.step.kind'] }).waitFor();
    await checkPage(page, 'wizard-kind-fr');
  });

  it('When an examiner claims the filing, then prior art is beside its images, and accepting the formalities registers it', async () => {
    const page = await open('fr');
    const t = dict.fr;
    await signIn(page, 'fr', EXAMINER.email, EXAMINER.password);
    await page.waitForURL('**/exam');
    const row = page.locator('tbody tr', { hasText: DESIGN.fr });
    await row.waitFor();
    await checkPage(page, 'queue-fr');
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.getByRole('heading', { level: 1, name: dict.ar['queue.title'] }).waitFor();
    await checkPage(page, 'queue-ar');
    await page.getByRole('button', { name: 'Français' }).click();

    await row.getByRole('link').first().click();
    await page.getByRole('heading', { level: 2, name: t['review.priorArt'] }).waitFor();
    // The imported carpet shares words with this one: it is prior art.
    await page.locator('.prior-item', { hasText: LEGACY.fr }).waitFor();
    await page.keyboard.press('c');
    await page.getByRole('button', { name: t['action.claim'], exact: true }).click();
    const accept = page.getByRole('button', { name: t['action.accept_formalities'], exact: true });
    await accept.waitFor();
    await checkPage(page, 'review-fr');
    await accept.click();
    await page.locator('.badge-registered').first().waitFor();
  });

  it('When the public looks for the registered design by an Arabic word and by a photo, then it is found', async () => {
    await events.settled(); // the registry indexes the move in the background
    const page = await open('ar');
    // «النجمة» with the article, typed without it and with a final ha: the search folds both.
    await page.goto(`/search?q=${encodeURIComponent('نجمه')}`);
    await page.locator('.result-card', { hasText: DESIGN.ar }).waitFor();

    const phone = await open('ar', PHONE);
    const photo = await alter('mild', designJpeg, 7);
    await phone.goto('/');
    await phone.locator('input[type="file"]').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo.jpeg });
    await phone.waitForURL('**/search/photo');
    const first = phone.locator('.result-card').first();
    await first.waitFor();
    assert.match((await first.textContent()) ?? '', new RegExp(DESIGN.ar), 'the registered design is the best match for its photo');
    await first.getByRole('link').click();
    await phone.getByRole('heading', { level: 1, name: DESIGN.ar }).waitFor();
  });

  it('When the public opens the registered design and follows its certificate, then the certificate is genuine, and a forged one does not match', async () => {
    const page = await open('ar');
    // The number printed on the certificate the artisan received (read where the registry keeps it).
    const design = await Application.findOne({ 'title.fr': DESIGN.fr }).lean();
    assert.equal(design?.status, 'registered');
    const designNumber = design.registrationNumber!;
    await page.goto(`/records/${encodeURIComponent(designNumber)}`);
    await page.getByRole('heading', { level: 1, name: DESIGN.ar }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: dict.ar['record.certificate'] }).click();
    const pdf = await (await download).createReadStream().then(async (stream) => {
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    });
    const url = verifyUrlInPdf(pdf);
    assert.ok(url, 'the certificate carries its verification address');
    const verifyPath = new URL(url).pathname + new URL(url).search;
    await page.goto(verifyPath);
    await page.locator('.verdict-ok', { hasText: dict.ar['verify.genuine'] }).waitFor();
    await checkPage(page, 'verify-ar');

    const forged = verifyPath.replace(/sig=([A-Za-z0-9_-])/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    await page.goto(forged);
    await page.locator('.verdict-bad', { hasText: dict.ar['verify.mismatch'] }).waitFor();
  });

  it('When the same public pages are opened in French and in English, then every one is translated and left to right', async () => {
    for (const locale of ['fr', 'en'] as const) {
      const t = dict[locale];
      const page = await open(locale);
      await page.goto('/');
      await page.getByRole('heading', { level: 1, name: t['home.title'] }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), locale);
      assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
      await page.goto('/search?q=tapis');
      await page.getByRole('heading', { level: 1, name: t['search.title'] }).waitFor();
      await page.locator('.result-card').first().waitFor();
      await page.goto(`/records/${encodeURIComponent(LEGACY.registrationNumber)}`);
      await page.getByRole('heading', { level: 2, name: t['record.details'] }).waitFor();
      await page.goto('/gazette');
      await page.getByRole('heading', { level: 1, name: t['gazette.title'] }).waitFor();
      await page.goto(`/verify/${encodeURIComponent(LEGACY.registrationNumber)}?sig=forged`);
      await page.locator('.verdict-bad', { hasText: t['verify.mismatch'] }).waitFor();
    }
  });
});

