import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application } from '../../server/modules/applications/application.model.js';
import { createActor, API, type Actor } from '../support/actors.js';
import { createTestApp } from '../support/app.js';
import { resetDatabase } from '../support/db.js';

const photo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/uploads/good-motif.webp');
const design = { protectionType: 'industrial_design', title: { fr: 'Zellige de Fès' }, craft: 'zellige', region: 'fes-meknes', locarnoClass: '25-01' };

describe('POST /api/v1/applications/:id/images, several at once', function () {
  this.timeout(120_000);
  const { app } = createTestApp();
  let owner: Actor;
  let id: string;

  beforeEach(async () => {
    await resetDatabase();
    owner = await createActor(app, 'artisan');
    id = (await owner.agent.post(`${API}/applications`).send(design).expect(201)).body.application.id;
  });

  const upload = () => owner.agent.post(`${API}/applications/${id}/images`).attach('images', photo);

  it('When a phone sends four photos in parallel requests, then every one is stored', async () => {
    const results = await Promise.all([upload(), upload(), upload(), upload()]);
    assert.deepEqual(results.map((r) => r.status), [201, 201, 201, 201]);
    const stored = await Application.findById(id).lean();
    assert.equal(stored!.images.length, 4);
  });

  it('When parallel uploads would pass the 10 views of a design, then the limit still holds', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => upload()));
    const created = results.filter((r) => r.status === 201).length;
    assert.equal(created, 10, results.map((r) => r.status).join(','));
    for (const r of results.filter((x) => x.status !== 201)) assert.ok([409, 422].includes(r.status), String(r.status));
    const stored = await Application.findById(id).lean();
    assert.equal(stored!.images.length, 10);
  });
});
