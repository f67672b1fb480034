import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type request from 'supertest';
import { Application } from '../../server/modules/applications/application.model.js';
import { createMediaStorage } from '../../server/modules/media/storage/create-storage.js';
import { createActor, API, type Actor } from '../support/actors.js';
import { createTestApp } from '../support/app.js';
import { resetDatabase } from '../support/db.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.resolve(repoRoot, '../shared/fixtures/uploads');
const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as Array<{ file: string; expect: 'accept' | 'reject'; why: string }>;

export const design = { protectionType: 'industrial_design', title: { fr: 'Zellige de Fès', ar: 'زليج فاس' }, craft: 'zellige', region: 'fes-meknes', locarnoClass: '25-01' };

/** Reads a derivative's metadata; fails the test if it carries EXIF, XMP, IPTC or an ICC profile other than none. */
async function assertClean(buffer: Buffer, expected?: { width: number; height: number }) {
  const meta = await sharp(buffer).metadata();
  assert.equal(meta.format, 'webp');
  assert.equal(meta.exif, undefined, 'no EXIF');
  assert.equal(meta.xmp, undefined, 'no XMP');
  assert.equal(meta.iptc, undefined, 'no IPTC');
  assert.equal(meta.space, 'srgb');
  assert.ok(!meta.orientation || meta.orientation === 1);
  if (expected) assert.deepEqual({ width: meta.width, height: meta.height }, expected);
  return meta;
}

for (const driver of ['local', 'gridfs'] as const) {
  describe(`Media through the API (${driver} storage)`, function () {
    this.timeout(60_000);
    const uploadsDir = fs.mkdtempSync(path.join(os.tmpdir(), `naqsh-media-${driver}-`));
    const { app, config } = createTestApp({ UPLOADS_DIR: uploadsDir, MEDIA_STORE: driver });
    const storage = createMediaStorage(config);
    let owner: Actor;
    let appId: string;

    after(() => fs.rmSync(uploadsDir, { recursive: true, force: true }));

    beforeEach(async () => {
      await resetDatabase();
      for (const key of await storage.list()) await storage.delete(key);
      owner = await createActor(app, 'artisan');
      const res = await owner.agent.post(`${API}/applications`).send(design).expect(201);
      appId = res.body.application.id;
    });

    const upload = (actor: Actor, file: string, name = file) =>
      actor.agent.post(`${API}/applications/${appId}/images`).attach('images', path.join(FIXTURES, file), { filename: name, contentType: 'image/jpeg' });

    for (const entry of manifest.filter((e) => e.expect === 'reject')) {
      it(`When ${entry.file} is uploaded (${entry.why}), then it is refused with a problem naming what is accepted, leaving nothing behind`, async () => {
        const res = await upload(owner, entry.file);
        assert.ok([400, 413, 415].includes(res.status), `status ${res.status}: ${res.text}`);
        assert.match(res.headers['content-type']!, /application\/problem\+json/);
        assert.match(res.body.detail, /JPEG, PNG or WebP/);
        assert.deepEqual(await storage.list(), []);
        const stored = await Application.findById(appId).lean();
        assert.equal(stored!.images.length, 0);
        assert.equal(stored!.mediaBytes, 0);
        await owner.agent.get('/healthz').expect(200);
      });
    }

    for (const entry of manifest.filter((e) => e.expect === 'accept')) {
      it(`When ${entry.file} is uploaded (${entry.why}), then its derivatives are upright, sRGB WebP without metadata`, async () => {
        const clientName = entry.file === 'path-traversal-name.jpg' ? '../../../etc/cron.d/evil.jpg' : entry.file;
        const res = await upload(owner, entry.file, clientName).expect(201);
        const [image] = res.body.images;
        assert.deepEqual({ width: image.width, height: image.height }, { width: 1200, height: 800 });
        const thumb = await owner.agent.get(image.urls.thumb).buffer(true).parse(binary).expect(200);
        await assertClean(thumb.body as Buffer, { width: 320, height: 213 });
        const display = await owner.agent.get(image.urls.display).buffer(true).parse(binary).expect(200);
        await assertClean(display.body as Buffer, { width: 1200, height: 800 });
        // The original is kept exactly as received.
        const original = await owner.agent.get(`${API}/media/${image.id}/original`).buffer(true).parse(binary).expect(200);
        assert.ok((original.body as Buffer).equals(fs.readFileSync(path.join(FIXTURES, entry.file))));
        // Stored names are generated content hashes, never the client's.
        for (const key of await storage.list()) assert.match(key, /^[a-f0-9]{64}\.(jpg|png|webp)$/);
        assert.ok(!fs.existsSync('/etc/cron.d/evil.jpg'));
      });
    }

    it('When a batch holds one bad file among good ones, then the whole batch is refused and nothing is stored', async () => {
      const res = await owner.agent
        .post(`${API}/applications/${appId}/images`)
        .attach('images', path.join(FIXTURES, 'good-motif.jpg'))
        .attach('images', path.join(FIXTURES, 'good-motif.png'))
        .attach('images', path.join(FIXTURES, 'truncated.jpg'));
      assert.equal(res.status, 400);
      assert.deepEqual(await storage.list(), []);
      assert.equal((await Application.findById(appId).lean())!.images.length, 0);
    });

    it('When a file is over 15 MB (or a PDF over 10 MB), then answers 413 naming the limits and stores nothing', async () => {
      const big = Buffer.concat([fs.readFileSync(path.join(FIXTURES, 'good-motif.jpg')), Buffer.alloc(15 * 1024 * 1024 + 1)]);
      const res = await owner.agent.post(`${API}/applications/${appId}/images`).attach('images', big, 'big.jpg').expect(413);
      assert.match(res.body.detail, /JPEG, PNG or WebP, at most 15 MB each/);
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024)]);
      const doc = await owner.agent.post(`${API}/applications/${appId}/documents`).field('kind', 'other').attach('document', pdf, 'big.pdf').expect(413);
      assert.match(doc.body.detail, /PDF document, at most 10 MB/);
      assert.deepEqual(await storage.list(), []);
      assert.equal((await Application.findById(appId).lean())!.mediaBytes, 0);
    });

    it('When an image is removed, then its files go too, unless another image still uses them', async () => {
      const first = await upload(owner, 'good-motif.jpg').expect(201);
      const second = await upload(owner, 'good-motif.jpg').expect(201);
      const filesOfOne = (await storage.list()).length;
      assert.equal(filesOfOne, 4);
      await owner.agent.delete(`${API}/applications/${appId}/images/${first.body.images[0].id}`).expect(204);
      assert.equal((await storage.list()).length, 4, 'the second image still uses the same files');
      await owner.agent.delete(`${API}/applications/${appId}/images/${second.body.images[0].id}`).expect(204);
      assert.deepEqual(await storage.list(), []);
    });

    it('When a PDF document is uploaded, then it is stored privately and downloadable by the owner only', async () => {
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
      const res = await owner.agent
        .post(`${API}/applications/${appId}/documents`)
        .field('kind', 'other')
        .attach('document', pdf, { filename: '../../secret.pdf', contentType: 'application/pdf' })
        .expect(201);
      assert.equal(res.body.document.kind, 'other');
      assert.equal(res.body.document.fileName, 'secret.pdf');
      const got = await owner.agent.get(`${API}/applications/${appId}/documents/${res.body.document.id}`).buffer(true).parse(binary).expect(200);
      assert.ok((got.body as Buffer).equals(pdf));
      assert.match(got.headers['content-disposition']!, /^attachment/);
      const other = await createActor(app, 'artisan');
      await other.agent.get(`${API}/applications/${appId}/documents/${res.body.document.id}`).expect(404);
    });

    it('When a document is not a PDF, then it is refused with 415 and nothing is stored', async () => {
      const res = await owner.agent
        .post(`${API}/applications/${appId}/documents`)
        .field('kind', 'other')
        .attach('document', path.join(FIXTURES, 'good-motif.jpg'), { filename: 'x.pdf', contentType: 'application/pdf' })
        .expect(415);
      assert.match(res.body.detail, /PDF/);
      assert.deepEqual(await storage.list(), []);
    });
  });
}

/** supertest parser that keeps the body as a Buffer whatever the content type. */
export function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
  stream.on('error', (e: Error) => done(e, Buffer.alloc(0)));
}
