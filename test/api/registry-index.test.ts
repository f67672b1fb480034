import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Types } from 'mongoose';
import request from 'supertest';
import { Application } from '../../server/modules/applications/application.model.js';
import { RegistryEntry } from '../../server/modules/search/registry-entry.model.js';
import { entryFromApplication } from '../../server/modules/search/search.service.js';
import { renderMotif } from '../support/motifs.js';
import { createActor, API, type Actor } from '../support/actors.js';
import { createTestApp } from '../support/app.js';
import { resetDatabase } from '../support/db.js';
import { importRecords } from './registry-helpers.js';

const DAY = 86_400_000;

describe('Public registry: the text index follows the database, and deferred designs stay hidden', function () {
  this.timeout(60_000);
  const { app } = createTestApp();
  let admin: Actor;

  const search = async (q: string) => (await request(app).get(`${API}/registry/search`).query({ q }).expect(200)).body as { items: Array<{ registrationNumber: string }>; total: number };
  const numbers = (body: { items: Array<{ registrationNumber: string }> }) => body.items.map((i) => i.registrationNumber).sort();

  before(async () => {
    await resetDatabase();
    admin = await createActor(app, 'admin');
    const later = new Date(Date.now() + 90 * DAY).toISOString();
    const manifest = [
      { protectionType: 'collective_mark', status: 'registered', registrationNumber: 'IX-1', title: { fr: 'Tapis kilim de Taznakht' }, craft: 'carpet', region: 'souss-massa', images: ['open.jpg'] },
      { protectionType: 'industrial_design', status: 'registered', registrationNumber: 'IX-2', title: { fr: 'Plateau kilim ciselé' }, craft: 'metal', region: 'fes-meknes' },
      { protectionType: 'industrial_design', status: 'registered', registrationNumber: 'IX-SECRET', publishedAt: later, title: { fr: 'Lampe kilim secrète' }, craft: 'metal', region: 'fes-meknes', images: ['secret.jpg'] },
    ];
    const [open, secret] = await Promise.all([renderMotif(3, 0), renderMotif(3, 1)]);
    const res = await importRecords(app, admin, manifest, [{ name: 'open.jpg', data: open.jpeg }, { name: 'secret.jpg', data: secret.jpeg }]).expect(200);
    assert.equal(res.body.imported, 3, JSON.stringify(res.body.failed));
  });

  it('When a design is registered with its publication deferred, then no public search, suggestion, record page or gazette shows it', async () => {
    assert.deepEqual(numbers(await search('kilim')), ['IX-1', 'IX-2']);
    assert.equal((await search('lampe')).total, 0);
    const suggestions = (await request(app).get(`${API}/registry/suggest`).query({ q: 'lam' }).expect(200)).body.items;
    assert.deepEqual(suggestions, []);
    await request(app).get(`${API}/registry/IX-SECRET`).expect(404);
    await request(app).get(`${API}/registry/IX-2`).expect(200);
    const from = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 365 * DAY).toISOString().slice(0, 10);
    const gazette = (await request(app).get(`${API}/gazette`).query({ from, to }).expect(200)).body;
    assert.ok(!JSON.stringify(gazette).includes('IX-SECRET'), 'the deferred design is in the gazette');
    assert.ok(JSON.stringify(gazette).includes('IX-2'));
    // Nor its picture by direct address, while a published record's picture is served.
    const imageOf = async (number: string) => String((await Application.findOne({ registrationNumber: number }).lean())!.images[0]!._id);
    await request(app).get(`${API}/media/${await imageOf('IX-1')}/thumb`).expect(200);
    await request(app).get(`${API}/media/${await imageOf('IX-SECRET')}/thumb`).expect(404);
  });

  it('When another instance adds, changes or deletes entries in the database, then search follows', async () => {
    // What another app instance would write: a new entry, straight into the collection.
    const app2 = { _id: new Types.ObjectId(), status: 'registered', protectionType: 'collective_mark', title: { fr: 'Kilim de Midelt' }, craft: 'carpet', region: 'draa-tafilalet', registrationNumber: 'IX-ELSEWHERE', images: [] };
    // What another instance writes shows here within the poll interval (one second).
    await RegistryEntry.create({ _id: app2._id, ...entryFromApplication(app2 as never)! });
    await sleep(1100);
    assert.deepEqual(numbers(await search('kilim')), ['IX-1', 'IX-2', 'IX-ELSEWHERE']);

    // A change made elsewhere.
    await RegistryEntry.updateOne({ _id: app2._id }, { $set: { status: 'lapsed', searchTerms: ['t:tapis', 't:midelt'] } });
    await sleep(1100);
    assert.deepEqual(numbers(await search('kilim')), ['IX-1', 'IX-2']);
    assert.deepEqual(numbers(await search('midelt')), ['IX-ELSEWHERE']);

    // A deletion elsewhere: the count no longer agrees with the index, which drops the entry.
    await RegistryEntry.deleteOne({ _id: app2._id });
    await sleep(1100);
    assert.equal((await search('midelt')).total, 0);
    assert.deepEqual(numbers(await search('kilim')), ['IX-1', 'IX-2']);
  });
});
