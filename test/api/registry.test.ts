import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { Application } from '../../server/modules/applications/application.model.js';
import { Opposition } from '../../server/modules/lifecycle/opposition.model.js';
import { signCertificate } from '../../server/modules/registry/certificate.service.js';
import { syncRegistryEntry } from '../../server/modules/search/search.service.js';
import { renderMotif } from '../support/motifs.js';
import { anonymousAgent, bearerFor, createActor, API, type Actor } from '../support/actors.js';
import { createTestApp, testConfig } from '../support/app.js';
import { resetDatabase } from '../support/db.js';
import { move } from './lifecycle-fixtures.js';
import { assertNothingPrivate, importRecords } from './registry-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(fs.readFileSync(path.resolve(here, '../../../shared/fixtures/text-search.json'), 'utf8')) as {
  records: Array<{ id: string; craft: string; region: string; title: Record<string, string>; description?: Record<string, string> }>;
  queries: Array<{ q: string; expect: string[]; exclude?: string[]; why: string }>;
};

describe('Public registry: text search, records, certificates, oppositions, gazette', function () {
  this.timeout(120_000);
  const uploadsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-registry-'));
  // Behind a proxy, so each test can speak from its own address (the opposition rate limit counts per address).
  const { app } = createTestApp({ UPLOADS_DIR: uploadsDir, TRUST_PROXY: '1' });
  let admin: Actor;

  after(() => fs.rmSync(uploadsDir, { recursive: true, force: true }));
  before(async () => {
    await resetDatabase();
    admin = await createActor(app, 'admin');
    const manifest = fixture.records.map((r) => ({ protectionType: 'collective_mark', status: 'registered', registrationNumber: r.id, title: r.title, description: r.description, craft: r.craft, region: r.region }));
    const res = await importRecords(app, admin, manifest).expect(200);
    assert.equal(res.body.imported, fixture.records.length, JSON.stringify(res.body.failed));
  });

  describe('the shared multilingual cases (fixtures/text-search.json), through GET /registry/search', () => {
    for (const c of fixture.queries) {
      it(`When someone searches "${c.q}" (${c.why}), then ${c.expect.join(', ')} are in the first 10${c.exclude ? ` and ${c.exclude.join(', ')} are not` : ''}`, async () => {
        const res = await request(app).get(`${API}/registry/search`).query({ q: c.q, limit: 10 }).expect(200);
        const ids = (res.body.items as Array<{ registrationNumber: string }>).map((i) => i.registrationNumber);
        for (const id of c.expect) assert.ok(ids.includes(id), `${id} missing from ${JSON.stringify(ids)}`);
        for (const id of c.exclude ?? []) assert.ok(!ids.includes(id), `${id} should not be in ${JSON.stringify(ids)}`);
      });
    }
  });

  it('When a search matches more than a page, then cursors walk every result once, best first, with the total', async () => {
    const first = await request(app).get(`${API}/registry/search`).query({ q: 'fes', limit: 2 }).expect(200);
    assert.ok(first.body.total >= 3, JSON.stringify(first.body));
    assert.ok(first.body.nextCursor);
    const seen = [...first.body.items];
    let cursor = first.body.nextCursor as string | undefined;
    while (cursor) {
      const page = await request(app).get(`${API}/registry/search`).query({ q: 'fes', limit: 2, cursor }).expect(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    const ids = seen.map((i: { registrationNumber: string }) => i.registrationNumber);
    assert.equal(new Set(ids).size, ids.length, 'no record twice');
    assert.equal(ids.length, first.body.total);
    const scores = seen.map((i: { score: number }) => i.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    await request(app).get(`${API}/registry/search`).query({ q: 'fes', cursor: 'not*a*cursor' }).expect(400);
  });

  it('When filters are given, then only records matching them come back', async () => {
    const res = await request(app).get(`${API}/registry/search`).query({ q: 'tapis', craft: 'carpet', region: 'fes-meknes' }).expect(200);
    assert.deepEqual(res.body.items.map((i: { registrationNumber: string }) => i.registrationNumber), ['T-002']);
    const all = await request(app).get(`${API}/registry/search`).query({ region: 'souss-massa' }).expect(200);
    assert.deepEqual(all.body.items.map((i: { registrationNumber: string }) => i.registrationNumber).sort(), ['T-001', 'T-006']);
    await request(app).get(`${API}/registry/search`).query({ status: 'draft' }).expect(400);
  });

  it('When someone types the start of a word, then suggestions complete it as titles spell it', async () => {
    const res = await request(app).get(`${API}/registry/suggest`).query({ q: 'babou' }).expect(200);
    assert.ok(res.body.items.includes('Babouches'), JSON.stringify(res.body));
    const ar = await request(app).get(`${API}/registry/suggest`).query({ q: 'زرب' }).expect(200);
    assert.ok(ar.body.items.length >= 1 && ar.body.items.length <= 10);
    assert.ok(ar.body.items.every((s: string) => s.includes('زربي')), JSON.stringify(ar.body));
  });

  it('When a record is opened by number, then it shows the holder’s public name and nothing personal', async () => {
    const res = await request(app).get(`${API}/registry/T-004`).expect(200);
    assert.equal(res.body.record.registrationNumber, 'T-004');
    assert.equal(res.body.record.status, 'registered');
    assert.ok(res.body.record.owner.fullName);
    assert.equal(res.body.record.owner.id, undefined);
    assertNothingPrivate(res.body, [admin.user.id]);
    await request(app).get(`${API}/registry/NOPE-1`).expect(404);
  });

  describe('a filing in progress', () => {
    let owner: Actor;
    let draftId: string;
    before(async () => {
      owner = await createActor(app, 'artisan', { phone: '+212612345678' });
      const res = await owner.agent.post(`${API}/applications`).send({ protectionType: 'industrial_design', title: { fr: 'Tapis secret de Taznakht' }, craft: 'carpet', region: 'souss-massa' }).expect(201);
      draftId = res.body.application.id;
      // Even if the index were told about it, a draft is not public.
      await syncRegistryEntry(draftId);
    });

    it('When the public searches, then records that are not public never appear, and answers carry nothing personal', async () => {
      const res = await request(app).get(`${API}/registry/search`).query({ q: 'taznakht secret' }).expect(200);
      assert.ok(!JSON.stringify(res.body).includes(draftId));
      assert.ok(res.body.items.every((i: { status: string }) => ['published', 'opposed', 'registered', 'lapsed'].includes(i.status)));
      for (const q of ['tapis', 'زربية', '']) {
        const page = await request(app).get(`${API}/registry/search`).query({ q }).expect(200);
        assertNothingPrivate(page.body, [owner.user.id, admin.user.id]);
      }
      const suggestions = await request(app).get(`${API}/registry/suggest`).query({ q: 'secr' }).expect(200);
      assert.deepEqual(suggestions.body.items, []);
    });
  });

  describe('certificates and verification', () => {
    it('When a registered record’s certificate is verified, then it is valid; after the record is altered, it is not', async () => {
      const pdf = await request(app).get(`${API}/registry/T-006/certificate.pdf`).buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      }).expect(200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      const bytes = pdf.body as Buffer;
      assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
      // The signature the QR code carries is printed on the certificate too; take it from the verify API's own signing.
      const record = await Application.findOne({ registrationNumber: 'T-006' }).lean();
      const { signature, verifyUrl } = signCertificate(record as never, testConfig({ TRUST_PROXY: '1' }));
      assert.match(verifyUrl, /\/verify\/T-006\?sig=/);
      const ok = await request(app).get(`${API}/verify/T-006`).query({ sig: signature }).expect(200);
      assert.equal(ok.body.valid, true);
      assert.equal(ok.body.record.registrationNumber, 'T-006');
      assertNothingPrivate(ok.body, [admin.user.id]);

      await Application.updateOne({ registrationNumber: 'T-006' }, { $set: { 'title.fr': 'Bijoux contrefaits' } });
      const altered = await request(app).get(`${API}/verify/T-006`).query({ sig: signature }).expect(200);
      assert.equal(altered.body.valid, false);
      const forged = await request(app).get(`${API}/verify/T-006`).query({ sig: 'A'.repeat(86) }).expect(200);
      assert.equal(forged.body.valid, false);
      await request(app).get(`${API}/verify/NOPE-9`).query({ sig: signature }).expect(404);
    });

    it('When a record is not registered, then it has no certificate (409), and an unknown number is 404', async () => {
      const res = await importRecords(app, admin, [{ protectionType: 'collective_mark', status: 'published', applicationNumber: 'PUB-CERT-1', title: { fr: 'Marque publiée' }, craft: 'pottery', region: 'oriental' }]).expect(200);
      assert.equal(res.body.imported, 1);
      await request(app).get(`${API}/registry/PUB-CERT-1/certificate.pdf`).expect(404);
      await request(app).get(`${API}/registry/NOPE-2/certificate.pdf`).expect(404);
    });

    describe('a design whose publication is deferred', () => {
      let owner: Actor;
      let examiner: Actor;
      let number: string;
      let signature: string;
      const certificate = (agent: { get: (url: string) => request.Test }) => agent.get(`${API}/registry/${number}/certificate.pdf`);
      const verify = (agent: { get: (url: string) => request.Test }) => agent.get(`${API}/verify/${number}`).query({ sig: signature });
      // What an unknown number answers, but for the request id: a hidden record must answer exactly this.
      const problemOf = (res: request.Response) => {
        assert.equal(res.status, 404);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        const { requestId: _requestId, ...rest } = JSON.parse(res.text) as Record<string, unknown>;
        return rest;
      };

      before(async () => {
        owner = await createActor(app, 'artisan');
        examiner = await createActor(app, 'examiner');
        const draft = await owner.agent.post(`${API}/applications`).send({ protectionType: 'industrial_design', title: { fr: 'Tapis Beni Ouarain secret' }, craft: 'carpet', region: 'fes-meknes', locarnoClass: '06-11' }).expect(201);
        const id = draft.body.application.id as string;
        // A real view, so the certificate carries the motif that must not leak.
        await owner.agent.post(`${API}/applications/${id}/images`).attach('images', (await renderMotif(11, 2)).jpeg, { filename: 'view.jpg', contentType: 'image/jpeg' }).expect(201);
        await move(owner.agent, id, 'submit', 'submitted');
        await move(examiner.agent, id, 'claim', 'formality_review');
        const registered = await move(examiner.agent, id, 'accept_formalities', 'registered', { deferPublicationMonths: 6 });
        number = String(registered.registrationNumber);
        assert.ok(new Date(String(registered.publishedAt)).getTime() > Date.now(), 'publication deferred');
        const record = await Application.findById(id).lean();
        signature = signCertificate(record as never, testConfig({ TRUST_PROXY: '1' })).signature;
      });

      it('When anyone but its owner, examiners and admins asks before the publication date, then certificate and verification answer 404 exactly as for an unknown number', async () => {
        const other = await createActor(app, 'artisan');
        const unknownCertificate = problemOf(await request(app).get(`${API}/registry/RD-0000-999999/certificate.pdf`));
        const unknownVerdict = problemOf(await request(app).get(`${API}/verify/RD-0000-999999`).query({ sig: signature }));
        for (const agent of [request(app), other.agent]) {
          const cert = await certificate(agent);
          assert.deepEqual(problemOf(cert), unknownCertificate);
          assert.ok(!cert.text.includes('Beni Ouarain') && !cert.text.includes(owner.user.fullName), 'nothing of the record in the answer');
          assert.deepEqual(problemOf(await verify(agent)), unknownVerdict);
        }
        const otherToken = await bearerFor(app, other);
        await certificate(request(app)).set('Authorization', `Bearer ${otherToken}`).expect(404);
        await verify(request(app)).set('Authorization', `Bearer ${otherToken}`).expect(404);
      });

      it('When its owner (session or bearer token), an examiner or an admin asks before the publication date, then they get the certificate and the verdict', async () => {
        for (const agent of [owner.agent, examiner.agent, admin.agent]) {
          const cert = await certificate(agent).expect(200);
          assert.equal(cert.headers['content-type'], 'application/pdf');
          assert.match(String(cert.headers.vary), /Cookie/);
          const verdict = await verify(agent).expect(200);
          assert.equal(verdict.body.valid, true);
          assert.equal(verdict.body.record.registrationNumber, number);
        }
        const token = await bearerFor(app, owner);
        await certificate(request(app)).set('Authorization', `Bearer ${token}`).expect(200);
        const byToken = await verify(request(app)).set('Authorization', `Bearer ${token}`).expect(200);
        assert.equal(byToken.body.valid, true);
      });

      it('When the publication date has passed, then its certificate and verification are public', async () => {
        await Application.updateOne({ registrationNumber: number }, { $set: { publishedAt: new Date(Date.now() - 60_000) } });
        const cert = await certificate(request(app)).expect(200);
        assert.equal(cert.headers['content-type'], 'application/pdf');
        const verdict = await verify(request(app)).expect(200);
        // The signature was made over the same attested fields (publishedAt is not one of them).
        assert.equal(verdict.body.valid, true);
        assert.equal(verdict.body.record.registrationNumber, number);
        assertNothingPrivate(verdict.body, [owner.user.id, examiner.user.id]);
      });
    });
  });

  describe('oppositions from the public', () => {
    before(async () => {
      const now = Date.now();
      const res = await importRecords(app, admin, [
        { protectionType: 'collective_mark', status: 'published', applicationNumber: 'OPP-OPEN', title: { fr: 'Marque en publication' }, craft: 'leather', region: 'oriental' },
        { protectionType: 'collective_mark', status: 'published', applicationNumber: 'OPP-CLOSED', publishedAt: new Date(now - 200 * 86_400_000).toISOString(), title: { fr: 'Fenêtre fermée' }, craft: 'leather', region: 'oriental' },
        { protectionType: 'collective_mark', status: 'published', applicationNumber: 'OPP-HONEY', title: { fr: 'Pot de miel' }, craft: 'leather', region: 'oriental' },
      ]).expect(200);
      assert.equal(res.body.imported, 3, JSON.stringify(res.body));
    });
    const grounds = 'This motif is the communal heritage of our village.';

    it('When someone opposes a published record inside the window, then it is 201 and the record becomes opposed', async () => {
      const agent = await anonymousAgent(app);
      agent.set('X-Forwarded-For', '198.51.100.1');
      await agent.post(`${API}/registry/OPP-OPEN/oppositions`).send({ name: 'Fatima', email: 'fatima@example.ma', grounds }).expect(201);
      const rec = await request(app).get(`${API}/registry/OPP-OPEN`).expect(200);
      assert.equal(rec.body.record.status, 'opposed');
      assertNothingPrivate(rec.body, [admin.user.id]);
      // A second opposition: the record is no longer published.
      await agent.post(`${API}/registry/OPP-OPEN/oppositions`).send({ name: 'Ali', email: 'ali@example.ma', grounds }).expect(409);
    });

    it('When the window has closed or the record is registered, then an opposition is 409', async () => {
      await request(app).post(`${API}/registry/OPP-CLOSED/oppositions`).set('X-Forwarded-For', '198.51.100.2').send({ name: 'Ali', email: 'ali@example.ma', grounds }).expect(409);
      await request(app).post(`${API}/registry/T-001/oppositions`).set('X-Forwarded-For', '198.51.100.2').send({ name: 'Ali', email: 'ali@example.ma', grounds }).expect(409);
      await request(app).post(`${API}/registry/NOPE-3/oppositions`).set('X-Forwarded-For', '198.51.100.2').send({ name: 'Ali', email: 'ali@example.ma', grounds }).expect(404);
      assert.equal((await Application.findOne({ applicationNumber: 'OPP-CLOSED' }).lean())!.status, 'published');
    });

    it('When a bot fills the honeypot, then nothing is stored; when an address sends too many, then it gets 429', async () => {
      await request(app).post(`${API}/registry/OPP-HONEY/oppositions`).set('X-Forwarded-For', '203.0.113.9').send({ name: 'Bot', email: 'bot@example.com', grounds, website: 'http://spam.example' }).expect(201);
      assert.equal((await Application.findOne({ applicationNumber: 'OPP-HONEY' }).lean())!.status, 'published');
      assert.equal(await Opposition.countDocuments({ name: 'Bot' }), 0);
      let last = 0;
      for (let i = 0; i < 8; i++) {
        last = (await request(app).post(`${API}/registry/NOPE-4/oppositions`).set('X-Forwarded-For', '198.51.100.3').send({ name: 'X', email: 'x@example.ma', grounds })).status;
        if (last === 429) break;
      }
      assert.equal(last, 429);
      // Another address is not affected.
      await request(app).post(`${API}/registry/NOPE-4/oppositions`).set('X-Forwarded-For', '198.51.100.4').send({ name: 'Y', email: 'y@example.ma', grounds }).expect(404);
    });
  });

  describe('gazette', () => {
    it('When the gazette of a period is asked, then it lists what was published and registered, as JSON or Atom', async () => {
      const from = new Date(Date.now() - 86_400_000).toISOString();
      const to = new Date(Date.now() + 86_400_000).toISOString();
      const json = await request(app).get(`${API}/gazette`).query({ from, to }).expect(200);
      const events = json.body.items.map((i: { registrationNumber?: string; applicationNumber?: string; event: string }) => `${i.event}:${i.registrationNumber ?? i.applicationNumber}`);
      assert.ok(events.includes('registered:T-001'), JSON.stringify(events));
      assert.ok(events.includes('published:OPP-HONEY'), JSON.stringify(events));
      assert.ok(!events.some((e: string) => e.endsWith('OPP-CLOSED')), 'published 200 days ago: outside the period');
      assertNothingPrivate(json.body, [admin.user.id]);
      const atom = await request(app).get(`${API}/gazette`).query({ from, to }).set('Accept', 'application/atom+xml').expect(200);
      assert.match(atom.headers['content-type']!, /application\/atom\+xml/);
      assert.match(atom.text, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
      assert.match(atom.text, /T-001/);
      await request(app).get(`${API}/gazette`).query({ from: to, to: from }).expect(400);
    });
  });

  describe('import and statistics', () => {
    it('When a batch has bad records, then the good ones are imported and each bad one is reported by index', async () => {
      const motif = await renderMotif(3, 1);
      const res = await importRecords(app, admin, [
        { protectionType: 'industrial_design', status: 'registered', registrationNumber: 'LEG-1', title: { fr: 'Plat ancien' }, craft: 'pottery', region: 'fes-meknes', images: ['plat.jpg'] },
        { protectionType: 'industrial_design', status: 'registered', registrationNumber: 'T-001', title: { fr: 'Doublon' }, craft: 'pottery', region: 'fes-meknes' },
        { protectionType: 'industrial_design', status: 'registered', title: { fr: 'Sans image' }, craft: 'pottery', region: 'fes-meknes', images: ['absent.jpg'] },
        { protectionType: 'nope', status: 'registered', title: { fr: 'Mauvais type' }, craft: 'pottery', region: 'fes-meknes' },
      ], [{ name: 'plat.jpg', data: motif.jpeg }]).expect(200);
      assert.equal(res.body.imported, 1);
      assert.deepEqual(res.body.failed.map((f: { index: number }) => f.index), [1, 2, 3]);
      assert.match(res.body.failed[0].error, /already exists/);
      assert.match(res.body.failed[1].error, /absent\.jpg/);
      const rec = await request(app).get(`${API}/registry/LEG-1`).expect(200);
      assert.equal(rec.body.record.images.length, 1);
      await request(app).get(rec.body.record.images[0].urls.thumb.replace(/^\/api\/v1/, `${API}`)).expect(200);
      const found = await request(app).get(`${API}/registry/search`).query({ q: 'plat ancien' }).expect(200);
      assert.equal(found.body.items[0].registrationNumber, 'LEG-1');
    });

    it('When more than 200 records or no manifest are sent, or a non-admin imports, then it is refused', async () => {
      const many = Array.from({ length: 201 }, () => ({ protectionType: 'collective_mark', status: 'registered', title: { fr: 'x' }, craft: 'pottery', region: 'oriental' }));
      await importRecords(app, admin, many).expect(400);
      await admin.agent.post(`${API}/admin/import`).attach('images', Buffer.from('x'), 'a.jpg').expect(400);
      const examiner = await createActor(app, 'examiner');
      await importRecords(app, examiner, [{}]).expect(403);
      await request(app).post(`${API}/admin/import`).expect(401);
    });

    it('When an admin or examiner asks for statistics, then counts by status, type, craft, region and month come back', async () => {
      const examiner = await createActor(app, 'examiner');
      const res = await examiner.agent.get(`${API}/admin/stats`).expect(200);
      assert.ok(res.body.byStatus.registered >= 12);
      assert.ok(res.body.byType.collective_mark >= 12);
      assert.equal(res.body.byCraft.carpet >= 3, true);
      assert.ok(res.body.byRegion['fes-meknes'] >= 4);
      assert.equal(typeof res.body.byMonth, 'object');
      assert.ok('medianDaysToDecision' in res.body);
      const artisan = await createActor(app, 'artisan');
      await artisan.agent.get(`${API}/admin/stats`).expect(403);
    });
  });
});
