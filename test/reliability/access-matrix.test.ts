/**
 * Every endpoint × anonymous, two artisans (owner and stranger), a cooperative, an examiner and an
 * admin: the expected status, and no cross-user read or write (a stranger's 404 means the record
 * is neither shown nor changed). Endpoints of filings and media already have their matrix in
 * test/api/applications-auth.test.ts; this file covers the rest, and a last test walks
 * GET /api/openapi.json so an endpoint added later still gets a baseline check.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { API, type Actor } from '../support/actors.js';
import { createTestApp } from '../support/app.js';
import { CALLERS, createMatrixActors, expectAuthMatrix, type Caller, type MatrixActors } from '../support/auth-matrix.js';
import { resetDatabase } from '../support/db.js';
import { repoRoot } from '../support/server-process.js';

const jpeg = fs.readFileSync(path.resolve(repoRoot, '../shared/fixtures/uploads/good-motif.jpg'));
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const design = { protectionType: 'industrial_design', locarnoClass: '06-11', title: { fr: 'Tapis à losanges' }, craft: 'carpet', region: 'fes-meknes' };

type Expect = Record<Caller, number | number[]>;
const all = (status: number | number[]): Expect => Object.fromEntries(CALLERS.map((c) => [c, status])) as Expect;
const signedIn = (status: number | number[]): Expect => ({ ...all(status), anonymous: 401 });
const adminOnly = (ok: number): Expect => ({ anonymous: 401, owner: 403, stranger: 403, cooperative: 403, examiner: 403, admin: ok });
const staffOnly = (ok: number): Expect => ({ anonymous: 401, owner: 403, stranger: 403, cooperative: 403, examiner: ok, admin: ok });
/** The owner's record: the owner and staff see it; other users get 404 (its existence is not revealed). */
const ownerAndStaff = (ok: number, staff: number | number[] = ok): Expect => ({ anonymous: 401, owner: ok, stranger: 404, cooperative: 404, examiner: staff, admin: staff });

describe('Reliability: access matrix of every endpoint', function () {
  this.timeout(180_000);
  let app: ReturnType<typeof createTestApp>['app'];
  let actors: MatrixActors;
  let uploadsDir: string;
  let submitted: { id: string; imageId: string };
  let registeredNumber: string;

  async function draftOf(owner: Actor, withFiles = true) {
    const res = await owner.agent.post(`${API}/applications`).send(design).expect(201);
    const id = res.body.application.id as string;
    if (!withFiles) return { id, imageId: '', documentId: '' };
    const img = await owner.agent.post(`${API}/applications/${id}/images`).attach('images', jpeg, 'view.jpg').expect(201);
    const doc = await owner.agent.post(`${API}/applications/${id}/documents`).field('kind', 'other').attach('document', pdf, 'rules.pdf').expect(201);
    return { id, imageId: img.body.images[0].id as string, documentId: (doc.body.document?.id ?? doc.body.documents?.[0]?.id) as string };
  }

  before(async () => {
    await resetDatabase();
    uploadsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-matrix-'));
    ({ app } = createTestApp({ UPLOADS_DIR: uploadsDir }));
    actors = await createMatrixActors(app);
    const draft = await draftOf(actors.owner);
    await actors.owner.agent.post(`${API}/applications/${draft.id}/actions/submit`).send({}).expect(200);
    submitted = draft;
    const imported = await actors.admin.agent
      .post(`${API}/admin/import`)
      .attach('manifest', Buffer.from(JSON.stringify([{ protectionType: 'industrial_design', status: 'registered', registrationNumber: 'MATRIX-1', title: { fr: 'Rosace' }, craft: 'pottery', region: 'oriental', images: [] }])), { filename: 'manifest.json', contentType: 'application/json' })
      .expect(200);
    assert.equal(imported.body.imported, 1, JSON.stringify(imported.body));
    registeredNumber = 'MATRIX-1';
  });
  after(() => fs.rmSync(uploadsDir, { recursive: true, force: true }));

  const matrix = <C = Record<string, never>>(spec: Omit<Parameters<typeof expectAuthMatrix<C>>[1], 'actors'>) => expectAuthMatrix<C>(app, { ...spec, actors });

  describe('Public and account endpoints', () => {
    it('When anyone reads reference data, CSRF tokens, grounds, the gazette and public searches, then all answer 200', async () => {
      for (const p of ['/reference', '/auth/csrf', '/examination/grounds', '/gazette', '/registry/search?q=rosace', '/registry/suggest?q=ros']) {
        await matrix({ method: 'get', path: `${API}${p}`, expect: all(200) });
      }
    });

    it('When anyone reads a registered public record, then 200; a submitted filing by its id is 404 to everyone', async () => {
      await matrix({ method: 'get', path: `${API}/registry/${registeredNumber}`, expect: all(200) });
      await matrix({ method: 'get', path: `${API}/registry/${submitted.id}`, expect: all(404) });
    });

    it('When callers read and change their own account, then signed-in users may and anonymous callers get 401', async () => {
      await matrix({ method: 'get', path: `${API}/auth/me`, expect: signedIn(200), check: (caller, res) => {
        if (caller !== 'anonymous') assert.equal(res.body.user.id, actors[caller as Exclude<Caller, 'anonymous'>].user.id, 'each caller sees only themselves');
      } });
      await matrix({ method: 'patch', path: `${API}/auth/me`, body: { fullName: 'Renamed Person' }, expect: signedIn(200) });
      await matrix({ method: 'get', path: `${API}/auth/tokens`, expect: signedIn(200) });
      await matrix({ method: 'post', path: `${API}/auth/tokens`, body: { name: 'matrix' }, expect: signedIn(201) });
    });

    it("When a caller deletes another user's API token, then 404 and the token still works", async () => {
      await matrix<{ id: string; token: string }>({
        method: 'delete',
        setup: async () => {
          const made = await actors.owner.agent.post(`${API}/auth/tokens`).send({ name: 'victim' }).expect(201);
          return { id: made.body.id as string, token: made.body.token as string };
        },
        path: (c) => `${API}/auth/tokens/${c.id}`,
        expect: { anonymous: 401, owner: 204, stranger: 404, cooperative: 404, examiner: 404, admin: 404 },
        check: async (caller, _res, c) => {
          const me = await request(app).get(`${API}/auth/me`).set('Authorization', `Bearer ${c.token}`);
          assert.equal(me.status, caller === 'owner' ? 401 : 200, `the token after ${caller}'s attempt`);
        },
      });
    });

    it('When callers manage staff accounts, then only the admin may', async () => {
      await matrix({ method: 'get', path: `${API}/admin/users`, expect: adminOnly(200) });
      let n = 0;
      await matrix({ method: 'post', path: `${API}/admin/users`, body: () => ({ email: `staff.matrix.${++n}@example.ma`, password: 'a long enough password', fullName: 'New Examiner', role: 'examiner' }), expect: adminOnly(201) });
    });
  });

  describe('Filings: records of one owner', () => {
    it('When callers read a filing’s documents, actions, decisions and receipt, then only the owner and staff see them', async () => {
      await matrix({ method: 'get', path: `${API}/applications/${submitted.id}/actions`, expect: ownerAndStaff(200) });
      await matrix({ method: 'get', path: `${API}/applications/${submitted.id}/decisions`, expect: ownerAndStaff(200) });
      await matrix({ method: 'get', path: `${API}/applications/${submitted.id}/receipt`, expect: ownerAndStaff(200) });
      const draft = await draftOf(actors.owner);
      await matrix({ method: 'get', path: `${API}/applications/${draft.id}/documents/${draft.documentId}`, expect: ownerAndStaff(200) });
    });

    it('When callers add files to, remove documents from, or submit someone else’s draft, then only the owner may and the draft is unchanged by others', async () => {
      await matrix<{ id: string }>({
        method: 'post', setup: async () => draftOf(actors.owner, false), path: (c) => `${API}/applications/${c.id}/actions/submit`, body: {},
        // An incomplete draft: the owner gets the business-rule answer; nobody else reaches it.
        expect: { anonymous: 401, owner: 422, stranger: 404, cooperative: 404, examiner: [403, 404], admin: [403, 404] },
      });
      await matrix<{ id: string; documentId: string }>({
        method: 'delete', setup: async () => draftOf(actors.owner), path: (c) => `${API}/applications/${c.id}/documents/${c.documentId}`,
        expect: { anonymous: 401, owner: 204, stranger: 404, cooperative: 404, examiner: 403, admin: 403 },
        check: async (caller, _res, c) => {
          const seen = await actors.owner.agent.get(`${API}/applications/${c.id}`).expect(200);
          assert.equal(seen.body.application.documents.length, caller === 'owner' ? 0 : 1, `after ${caller}'s attempt`);
        },
      });
      const draft = await draftOf(actors.owner, false);
      for (const caller of CALLERS) {
        const agent = caller === 'anonymous' ? actors.anonymous : actors[caller].agent;
        const res = await agent.post(`${API}/applications/${draft.id}/images`).attach('images', jpeg, 'intruder.jpg');
        const expected = caller === 'anonymous' ? 401 : caller === 'owner' ? 201 : ['examiner', 'admin'].includes(caller) ? 403 : 404;
        assert.equal(res.status, expected, `${caller} adding an image: ${res.text.slice(0, 200)}`);
      }
      const seen = await actors.owner.agent.get(`${API}/applications/${draft.id}`).expect(200);
      assert.equal(seen.body.application.images.length, 1, 'only the owner’s image was added');
    });

    it("When artisans list filings, then each sees only their own; staff see the submitted one", async () => {
      await matrix({ method: 'get', path: `${API}/applications`, expect: signedIn(200), check: (caller, res) => {
        if (caller === 'anonymous') return;
        const ids = (res.body.items as Array<{ id: string; owner: { id: string } }>).map((a) => a.owner.id);
        if (caller === 'stranger' || caller === 'cooperative') assert.ok(!ids.includes(actors.owner.user.id), `${caller} sees the owner's filings`);
        if (caller === 'owner') assert.ok(ids.length > 0 && ids.every((id) => id === actors.owner.user.id));
        if (caller === 'examiner' || caller === 'admin') assert.ok((res.body.items as Array<{ id: string }>).some((a) => a.id === submitted.id));
      } });
    });
  });

  describe('Examination and administration', () => {
    it('When callers use the examination queue, notes, prior art and oppositions, then only staff may; the owner never reads internal notes', async () => {
      await matrix({ method: 'get', path: `${API}/examination/queue`, expect: staffOnly(200) });
      const internal: Expect = { anonymous: 401, owner: [403, 404], stranger: [403, 404], cooperative: [403, 404], examiner: 200, admin: 200 };
      await matrix({ method: 'get', path: `${API}/applications/${submitted.id}/notes`, expect: internal });
      await matrix({ method: 'post', path: `${API}/applications/${submitted.id}/notes`, body: { text: 'Check the Locarno class.' }, expect: { ...internal, examiner: 201, admin: 201 } });
      await matrix({ method: 'get', path: `${API}/applications/${submitted.id}/similar`, expect: internal });
      await matrix({ method: 'get', path: `${API}/applications/${submitted.id}/oppositions`, expect: internal });
      await matrix({ method: 'post', path: `${API}/applications/${submitted.id}/assignment`, body: { examinerId: actors.examiner.user.id }, expect: { anonymous: 401, owner: [403, 404], stranger: [403, 404], cooperative: [403, 404], examiner: 403, admin: [200, 409, 422] } });
    });

    it('When callers use the administration endpoints, then only the admin (and staff for stats) may', async () => {
      await matrix({ method: 'get', path: `${API}/admin/audit/verify`, expect: adminOnly(200) });
      await matrix({ method: 'post', path: `${API}/admin/jobs/run`, body: {}, expect: adminOnly(200) });
      await matrix({ method: 'post', path: `${API}/admin/search/reindex`, body: {}, expect: adminOnly(200) });
      await matrix({ method: 'get', path: `${API}/admin/stats`, expect: staffOnly(200) });
    });

    it('When a caller reads notifications, then each sees only their own and cannot mark another’s as read', async () => {
      await matrix({ method: 'get', path: `${API}/notifications`, expect: signedIn(200) });
      const mine = await actors.owner.agent.get(`${API}/notifications`).expect(200);
      const first = (mine.body.items as Array<{ id: string }>)[0];
      if (!first) return; // the submit above notifies the owner when notifications are wired; nothing to steal otherwise
      await matrix({ method: 'post', path: `${API}/notifications/${first.id}/read`, body: {}, expect: { anonymous: 401, owner: 200, stranger: 404, cooperative: 404, examiner: 404, admin: 404 } });
    });
  });

  describe('Every declared endpoint', () => {
    it('When each operation of GET /api/openapi.json is called by every kind of caller with placeholder ids, then none answers 5xx and anonymous callers reach no secured endpoint', async () => {
      const doc = (await request(app).get('/api/openapi.json').expect(200)).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
      const failures: string[] = [];
      let calls = 0;
      for (const [p, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          if (/\/auth\/(logout|password)$/.test(p)) continue; // would end the shared sessions; covered by the accounts tests
          const url = p.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'action' ? 'submit' : name === 'variant' ? 'thumb' : name === 'imageId' ? submitted.imageId : submitted.id));
          for (const caller of CALLERS) {
            const agent = caller === 'anonymous' ? actors.anonymous : actors[caller].agent;
            const res = await (agent as unknown as Record<string, (u: string) => request.Test>)[method]!(url).send({});
            calls++;
            if (res.status >= 500) failures.push(`${caller} ${method.toUpperCase()} ${p}: ${res.status} ${res.text.slice(0, 160)}`);
            if (caller === 'anonymous' && op.security && res.status < 400) failures.push(`anonymous ${method.toUpperCase()} ${p}: ${res.status}`);
          }
        }
      }
      assert.ok(calls > 100);
      assert.deepEqual(failures, []);
    });
  });
});
