import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { Application } from '../../server/modules/applications/application.model.js';
import { onImageProcessed, type ImageProcessedEvent } from '../../server/modules/media/media.service.js';
import { createActor, API, type Actor } from '../support/actors.js';
import { createTestApp } from '../support/app.js';
import { resetDatabase } from '../support/db.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/uploads');
const design = { protectionType: 'industrial_design', title: { fr: 'Zellige de Fès', ar: 'زليج فاس' }, craft: 'zellige', region: 'fes-meknes', locarnoClass: '25-01' };
const heritage = {
  protectionType: 'heritage_inventory',
  title: { ar: 'تزربيت', fr: 'Tissage de Taznakht' },
  description: { fr: 'Tissage de tapis par les femmes de Taznakht.' },
  craft: 'carpet',
  region: 'souss-massa',
  community: 'Aït Ouaouzguite',
  tkLabel: 'attribution',
  sensitive: false,
};
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('Applications (filings)', function () {
  this.timeout(60_000);
  const uploadsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-applications-'));
  const { app } = createTestApp({ UPLOADS_DIR: uploadsDir, MAX_OPEN_DRAFTS: '3', MAX_MEDIA_MB: '0.1' });
  let owner: Actor;
  let other: Actor;
  let coop: Actor;
  let examiner: Actor;
  let admin: Actor;

  after(() => fs.rmSync(uploadsDir, { recursive: true, force: true }));
  beforeEach(async () => {
    await resetDatabase();
    [owner, other, coop, examiner, admin] = await Promise.all([
      createActor(app, 'artisan'),
      createActor(app, 'artisan'),
      createActor(app, 'cooperative'),
      createActor(app, 'examiner'),
      createActor(app, 'admin'),
    ]);
  });

  const create = async (actor: Actor, body: object = design) => (await actor.agent.post(`${API}/applications`).send(body).expect(201)).body.application;
  const addImage = (actor: Actor, id: string, file = 'good-motif.webp') =>
    actor.agent.post(`${API}/applications/${id}/images`).attach('images', path.join(FIXTURES, file));

  describe('POST /api/v1/applications', () => {
    it('When an artisan files a design, then answers 201 with a draft in the API shape', async () => {
      const a = await create(owner);
      assert.equal(a.status, 'draft');
      assert.equal(a.version, 1);
      assert.equal(a.protectionType, 'industrial_design');
      assert.deepEqual(a.title, design.title);
      assert.deepEqual(a.owner, { id: owner.user.id, fullName: owner.user.fullName });
      assert.deepEqual(a.images, []);
      assert.deepEqual(a.documents, []);
      assert.ok(a.createdAt && a.updatedAt);
      assert.equal(a.ownerRole, undefined);
      assert.equal(a.mediaBytes, undefined);
    });

    it('When the title has neither Arabic nor French, then answers 400 naming the title', async () => {
      const res = await owner.agent.post(`${API}/applications`).send({ ...design, title: { en: 'Tiles' } }).expect(400);
      assert.ok(res.body.errors.some((e: { path: string }) => e.path.startsWith('title')));
    });

    it('When an artisan files a collective mark, then answers 422: only cooperatives may', async () => {
      const res = await owner.agent.post(`${API}/applications`).send({ ...design, protectionType: 'collective_mark', niceClasses: [27] }).expect(422);
      assert.match(res.body.detail, /cooperative/);
      await create(coop, { ...design, protectionType: 'collective_mark', niceClasses: [27] });
    });

    it('When a design carries a TK label, then answers 400 (heritage entries only)', async () => {
      await owner.agent.post(`${API}/applications`).send({ ...design, tkLabel: 'attribution' }).expect(400);
    });

    it('When an examiner or nobody tries to file, then answers 403 or 401', async () => {
      await examiner.agent.post(`${API}/applications`).send(design).expect(403);
      await request(app).post(`${API}/applications`).set('Authorization', 'Bearer nope').send(design).expect(401);
    });

    it('When the user already has the most open drafts, then answers 422', async () => {
      for (let i = 0; i < 3; i++) await create(owner);
      const res = await owner.agent.post(`${API}/applications`).send(design).expect(422);
      assert.match(res.body.detail, /drafts/);
    });
  });

  describe('GET /api/v1/applications', () => {
    it('When an artisan lists, then only their own filings come back; examiners see all', async () => {
      await create(owner);
      await create(owner, heritage);
      await create(other);
      const mine = await owner.agent.get(`${API}/applications`).expect(200);
      assert.equal(mine.body.total, 2);
      assert.ok(mine.body.items.every((a: { owner: { id: string } }) => a.owner.id === owner.user.id));
      const all = await examiner.agent.get(`${API}/applications`).expect(200);
      assert.equal(all.body.total, 3);
    });

    it('When filters and a limit are given, then the page is filtered and a cursor leads to the rest', async () => {
      await create(owner);
      await create(owner, heritage);
      await create(owner, { ...design, title: { fr: 'Tapis berbère' }, craft: 'carpet', locarnoClass: '06-11' });
      const carpets = await owner.agent.get(`${API}/applications?craft=carpet`).expect(200);
      assert.equal(carpets.body.total, 2);
      const byText = await owner.agent.get(`${API}/applications?q=berb`).expect(200);
      assert.equal(byText.body.total, 1);
      const first = await owner.agent.get(`${API}/applications?limit=2`).expect(200);
      assert.equal(first.body.items.length, 2);
      assert.equal(first.body.total, 3);
      const second = await owner.agent.get(`${API}/applications?limit=2&cursor=${first.body.nextCursor}`).expect(200);
      assert.equal(second.body.items.length, 1);
      assert.equal(second.body.nextCursor, undefined);
      const ids = [...first.body.items, ...second.body.items].map((a: { id: string }) => a.id);
      assert.equal(new Set(ids).size, 3);
    });

    it('When the limit is over 100 or a filter is unknown, then answers 400', async () => {
      await owner.agent.get(`${API}/applications?limit=101`).expect(400);
      await owner.agent.get(`${API}/applications?status=nope`).expect(400);
      await owner.agent.get(`${API}/applications?owner[$ne]=x`).expect(400);
    });
  });

  describe('GET and PATCH /api/v1/applications/:id', () => {
    it('When another artisan reads, changes or adds files to a filing, then every route answers 404', async () => {
      const a = await create(owner);
      const img = (await addImage(owner, a.id).expect(201)).body.images[0];
      await other.agent.get(`${API}/applications/${a.id}`).expect(404);
      await other.agent.patch(`${API}/applications/${a.id}`).send({ community: 'x' }).expect(404);
      await addImage(other, a.id).expect(404);
      await other.agent.delete(`${API}/applications/${a.id}/images/${img.id}`).expect(404);
      await other.agent.post(`${API}/applications/${a.id}/documents`).field('kind', 'other').attach('document', pdf, 'a.pdf').expect(404);
      for (const variant of ['thumb', 'display', 'original']) await other.agent.get(`${API}/media/${img.id}/${variant}`).expect(404);
      await examiner.agent.get(`${API}/applications/${a.id}`).expect(200);
      await admin.agent.get(`${API}/applications/${a.id}`).expect(200);
    });

    it('When the id is not an ObjectId, then answers 404 or 400, never 500', async () => {
      for (const url of [`${API}/applications/nope`, `${API}/media/nope/thumb`, `${API}/media/${'a'.repeat(24)}/thumb`]) {
        const res = await owner.agent.get(url);
        assert.ok([400, 404].includes(res.status), `${url}: ${res.status}`);
      }
      await owner.agent.get(`${API}/media/${'a'.repeat(24)}/huge`).expect(400);
    });

    it('When the owner patches a draft, then the change is saved and the version grows', async () => {
      const a = await create(owner);
      const res = await owner.agent.patch(`${API}/applications/${a.id}`).send({ description: { ar: 'وصف' }, techniques: ['émaillage'] }).expect(200);
      assert.deepEqual(res.body.application.description, { ar: 'وصف' });
      assert.equal(res.body.application.version, 2);
      const read = await owner.agent.get(`${API}/applications/${a.id}`).expect(200);
      assert.deepEqual(read.body.application.techniques, ['émaillage']);
      assert.deepEqual(read.body.application.history, []);
    });

    it('When the filing is no longer a draft, then PATCH and file changes answer 409', async () => {
      const a = await create(owner);
      await Application.updateOne({ _id: a.id }, { $set: { status: 'submitted' } });
      await owner.agent.patch(`${API}/applications/${a.id}`).send({ community: 'x' }).expect(409);
      await addImage(owner, a.id).expect(409);
    });

    it('When an examiner tries to change a filing, then answers 403', async () => {
      const a = await create(owner);
      await examiner.agent.patch(`${API}/applications/${a.id}`).send({ community: 'x' }).expect(403);
    });
  });

  describe('images and documents', () => {
    it('When images are uploaded, then answers 201 with their ids, sizes and URLs and the search hook hears each', async () => {
      const a = await create(owner);
      const heard: ImageProcessedEvent[] = [];
      const stop = onImageProcessed((e) => {
        heard.push(e);
        throw new Error('a failing listener must not break uploads');
      });
      try {
        const res = await owner.agent
          .post(`${API}/applications/${a.id}/images`)
          .attach('images', path.join(FIXTURES, 'good-motif.webp'))
          .attach('images', path.join(FIXTURES, 'rotated-exif6.jpg'))
          .expect(201);
        assert.equal(res.body.images.length, 2);
        for (const img of res.body.images) {
          assert.deepEqual([img.width, img.height], [1200, 800]);
          assert.equal(img.urls.thumb, `/api/v1/media/${img.id}/thumb`);
          assert.equal(img.urls.display, `/api/v1/media/${img.id}/display`);
        }
        await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(heard.map((e) => e.imageId).sort(), res.body.images.map((i: { id: string }) => i.id).sort());
        assert.ok(heard.every((e) => e.applicationId === a.id && e.raw.width === 1200 && e.raw.data.length === 1200 * 800 * e.raw.channels));
      } finally {
        stop();
      }
    });

    it('When a request has the wrong field name or too many files, then answers 400 saying what is accepted', async () => {
      const a = await create(owner);
      const wrong = await owner.agent.post(`${API}/applications/${a.id}/images`).attach('photo', path.join(FIXTURES, 'good-motif.jpg')).expect(400);
      assert.match(wrong.body.detail, /JPEG, PNG or WebP/);
      let req = owner.agent.post(`${API}/applications/${a.id}/images`);
      for (let i = 0; i < 11; i++) req = req.attach('images', path.join(FIXTURES, 'good-motif.webp'));
      const many = await req.expect(400);
      assert.match(many.body.detail, /10 per request/);
      await owner.agent.post(`${API}/applications/${a.id}/images`).send({}).expect(400);
    });

    it('When an upload would pass the media quota, then answers 422 and stores nothing', async () => {
      const a = await create(owner);
      // 0.1 MB quota: the PNG (28 KB) fits three times, not four.
      for (let i = 0; i < 3; i++) await addImage(owner, a.id, 'good-motif.png').expect(201);
      const res = await addImage(owner, a.id, 'good-motif.png').expect(422);
      assert.match(res.body.detail, /quota/);
      assert.equal((await Application.findById(a.id).lean())!.images.length, 3);
    });

    it('When a document of an unknown kind is sent, then answers 400', async () => {
      const a = await create(owner, heritage);
      await owner.agent.post(`${API}/applications/${a.id}/documents`).field('kind', 'secret').attach('document', pdf, 'c.pdf').expect(400);
      const ok = await owner.agent.post(`${API}/applications/${a.id}/documents`).field('kind', 'community_consent').attach('document', pdf, 'c.pdf').expect(201);
      const read = await owner.agent.get(`${API}/applications/${a.id}`).expect(200);
      assert.deepEqual(read.body.application.documents.map((d: { id: string; kind: string; fileName: string }) => [d.id, d.kind, d.fileName]), [[ok.body.document.id, 'community_consent', 'c.pdf']]);
    });
  });

  describe('GET /api/v1/media/:imageId/:variant', () => {
    async function filedImage(body: object = design) {
      const a = await create(owner, body);
      const img = (await addImage(owner, a.id, 'good-motif.jpg').expect(201)).body.images[0];
      return { a, img };
    }

    it('When the filing is unpublished, then its images are 404 to the public and other users, 200 to owner and staff', async () => {
      const { img } = await filedImage();
      await request(app).get(`${API}/media/${img.id}/thumb`).expect(404);
      await other.agent.get(`${API}/media/${img.id}/display`).expect(404);
      for (const actor of [owner, examiner, admin]) {
        const res = await actor.agent.get(`${API}/media/${img.id}/thumb`).expect(200);
        assert.equal(res.headers['content-type'], 'image/webp');
        assert.match(res.headers['cache-control']!, /private/);
      }
    });

    it('When the filing is registered, then thumb and watermarked display are public, cacheable for a year, with 304 on a matching ETag', async () => {
      const { a, img } = await filedImage();
      await Application.updateOne({ _id: a.id }, { $set: { status: 'registered' } });
      const pub = await request(app).get(`${API}/media/${img.id}/display`).expect(200);
      assert.match(pub.headers['cache-control']!, /public.*max-age=31536000.*immutable/);
      assert.ok(pub.headers.etag);
      await request(app).get(`${API}/media/${img.id}/display`).set('If-None-Match', pub.headers.etag!).expect(304);
      const mine = await owner.agent.get(`${API}/media/${img.id}/display`).expect(200);
      assert.notEqual(mine.headers.etag, pub.headers.etag, 'the public display is the watermarked one');
      await request(app).get(`${API}/media/${img.id}/thumb`).expect(200);
      await request(app).get(`${API}/media/${img.id}/original`).expect(404);
    });

    it('When the original is asked for by owner or examiner, then it is an attachment with nosniff', async () => {
      const { img } = await filedImage();
      for (const actor of [owner, examiner]) {
        const res = await actor.agent.get(`${API}/media/${img.id}/original`).expect(200);
        assert.match(res.headers['content-disposition']!, /^attachment; filename="naqsh-[a-f0-9]{24}\.jpg"/);
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
        assert.equal(res.headers['content-type'], 'image/jpeg');
      }
    });

    it('When a heritage entry is sensitive, then its images are never public, even registered', async () => {
      const { a, img } = await filedImage({ ...heritage, sensitive: true });
      await Application.updateOne({ _id: a.id }, { $set: { status: 'registered' } });
      await request(app).get(`${API}/media/${img.id}/thumb`).expect(404);
      await owner.agent.get(`${API}/media/${img.id}/thumb`).expect(200);
    });

    it('When an image is deleted, then it is gone from the filing and its URLs answer 404', async () => {
      const { a, img } = await filedImage();
      await owner.agent.delete(`${API}/applications/${a.id}/images/${img.id}`).expect(204);
      await owner.agent.get(`${API}/media/${img.id}/thumb`).expect(404);
      assert.equal((await owner.agent.get(`${API}/applications/${a.id}`)).body.application.images.length, 0);
      await owner.agent.delete(`${API}/applications/${a.id}/images/${img.id}`).expect(404);
    });
  });
});
