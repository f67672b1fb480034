import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application } from '../../server/modules/applications/application.model.js';
import { API, type Actor } from '../support/actors.js';
import { createTestApp } from '../support/app.js';
import { createMatrixActors, expectAuthMatrix, type MatrixActors } from '../support/auth-matrix.js';
import { resetDatabase } from '../support/db.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/uploads');
const design = { protectionType: 'industrial_design', title: { fr: 'Tapis' }, craft: 'carpet', region: 'oriental', locarnoClass: '06-11' };

describe('Who may do what with filings and their images (authorization matrix)', function () {
  this.timeout(120_000);
  const uploadsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-applications-auth-'));
  const { app } = createTestApp({ UPLOADS_DIR: uploadsDir });
  let actors: MatrixActors;

  before(async () => {
    await resetDatabase();
    actors = await createMatrixActors(app);
  });
  after(() => fs.rmSync(uploadsDir, { recursive: true, force: true }));

  async function filing(owner: Actor, withImage = false) {
    const a = (await owner.agent.post(`${API}/applications`).send(design).expect(201)).body.application as { id: string };
    if (!withImage) return { id: a.id, imageId: '' };
    const res = await owner.agent.post(`${API}/applications/${a.id}/images`).attach('images', path.join(FIXTURES, 'good-motif.webp')).expect(201);
    return { id: a.id, imageId: res.body.images[0].id as string };
  }

  it('When each kind of caller reads a draft, then only owner, examiner and admin see it', async () => {
    const record = await filing(actors.owner);
    await expectAuthMatrix(app, {
      method: 'get', path: `${API}/applications/${record.id}`, actors,
      expect: { anonymous: 401, owner: 200, stranger: 404, cooperative: 404, examiner: 200, admin: 200 },
    });
  });

  it('When each kind of caller patches a draft, then only the owner may; strangers get 404', async () => {
    const record = await filing(actors.owner);
    await expectAuthMatrix(app, {
      method: 'patch', path: `${API}/applications/${record.id}`, body: { community: 'Aït Ouaouzguite' }, actors,
      expect: { anonymous: 401, owner: 200, stranger: 404, cooperative: 404, examiner: 403, admin: 403 },
    });
  });

  it('When each kind of caller files, then artisans and cooperatives may, staff may not', async () => {
    await expectAuthMatrix(app, {
      method: 'post', path: `${API}/applications`, body: design, actors,
      expect: { anonymous: 401, owner: 201, stranger: 201, cooperative: 201, examiner: 403, admin: 403 },
    });
  });

  it('When each kind of caller deletes an image of a draft, then only the owner may', async () => {
    await expectAuthMatrix(app, {
      method: 'delete', actors,
      setup: async (a) => filing(a.owner, true),
      path: (r) => `${API}/applications/${r.id}/images/${r.imageId}`,
      expect: { anonymous: 401, owner: 204, stranger: 404, cooperative: 404, examiner: 403, admin: 403 },
    });
  });

  it('When each kind of caller asks for the images of a draft, then only owner and staff get them', async () => {
    const record = await filing(actors.owner, true);
    for (const variant of ['thumb', 'display', 'original']) {
      await expectAuthMatrix(app, {
        method: 'get', path: `${API}/media/${record.imageId}/${variant}`, actors,
        expect: { anonymous: 404, owner: 200, stranger: 404, cooperative: 404, examiner: 200, admin: 200 },
      });
    }
  });

  it('When the filing is published, then thumb and display are public and the original stays private', async () => {
    const record = await filing(actors.owner, true);
    await Application.updateOne({ _id: record.id }, { $set: { status: 'published' } });
    for (const variant of ['thumb', 'display']) {
      await expectAuthMatrix(app, {
        method: 'get', path: `${API}/media/${record.imageId}/${variant}`, actors,
        expect: { anonymous: 200, owner: 200, stranger: 200, cooperative: 200, examiner: 200, admin: 200 },
      });
    }
    await expectAuthMatrix(app, {
      method: 'get', path: `${API}/media/${record.imageId}/original`, actors,
      expect: { anonymous: 404, owner: 200, stranger: 404, cooperative: 404, examiner: 200, admin: 200 },
    });
  });
});
