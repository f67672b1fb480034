/**
 * Two app instances on one database: the embedded store started alone (as `npm run db` does),
 * two server processes with MONGODB_URI pointing at it, media in GridFS, the same SESSION_SECRET.
 * A session made on one works on the other, a login lockout holds across both, the scheduler
 * moves each due record exactly once when both run it at once, and an image uploaded through one
 * is served by the other: instances keep no state of their own.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { API, PASSWORD, Session, filingBody } from '../../bench/lib/client.js';
import { startServerProcess, startStoreProcess, type ServerProcess, type StoreProcess } from '../support/server-process.js';
import { ADMIN, SESSION_SECRET, distinctJpegs, tempDir } from './support.js';

describe('Reliability: two app instances on one database', function () {
  this.timeout(240_000);
  let tmp: ReturnType<typeof tempDir>;
  let store: StoreProcess | undefined;
  let a: ServerProcess | undefined;
  let b: ServerProcess | undefined;

  before(async () => {
    tmp = tempDir('scale-out');
    store = await startStoreProcess(path.join(tmp.dir, 'db'));
    const env = (name: string) => ({
      MONGODB_URI: `${store!.uri}/naqsh`,
      MEDIA_STORE: 'gridfs',
      SESSION_SECRET,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      // Published records are due for registration as soon as they are published.
      OPPOSITION_PERIOD_DAYS: '0',
      DATA_DIR: path.join(tmp.dir, `data-${name}`),
      UPLOADS_DIR: path.join(tmp.dir, `uploads-${name}`),
    });
    // One after the other: both would otherwise race to create the first admin.
    a = await startServerProcess({ env: env('a') });
    b = await startServerProcess({ env: env('b') });
  });
  after(async () => {
    await Promise.all([a?.stop('SIGTERM'), b?.stop('SIGTERM')]);
    await store?.stop('SIGTERM');
    tmp.remove();
  });

  it('When a user signs up on one instance, then the session works on the other, for reads and CSRF-checked writes', async () => {
    const onA = await Session.register(a!.url, 'artisan', 'twin');
    const onB = onA.on(b!.url);
    const me = await onB.json('GET', `${API}/auth/me`);
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.user.id, onA.user!.id);
    const created = await onB.json('POST', `${API}/applications`, filingBody(1));
    assert.equal(created.status, 201, created.text);
    const seen = await onA.json('GET', `${API}/applications/${created.body.application.id}`);
    assert.equal(seen.status, 200, seen.text);
  });

  it('When sign-in failures are spread over both instances, then the account is locked on both', async () => {
    const victim = await Session.register(a!.url, 'artisan', 'lockout');
    const email = victim.user!.email;
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const attacker = await Session.anonymous(i % 2 ? b!.url : a!.url);
      statuses.push((await attacker.json('POST', `${API}/auth/login`, { email, password: `wrong password ${i}` })).status);
    }
    assert.ok(statuses.every((s) => s === 401 || s === 429), statuses.join());
    for (const url of [a!.url, b!.url]) {
      const right = await Session.anonymous(url);
      const res = await right.json('POST', `${API}/auth/login`, { email, password: PASSWORD });
      assert.equal(res.status, 429, `the right password on ${url === a!.url ? 'A' : 'B'}: ${res.text}`);
      assert.ok(res.headers.get('retry-after'), 'Retry-After');
    }
  });

  it('When both instances run the due jobs at the same moment, then each due record is registered exactly once', async () => {
    const adminA = await Session.signIn(a!.url, ADMIN.email, ADMIN.password);
    const adminB = adminA.on(b!.url);
    const count = 8;
    const manifest = Array.from({ length: count }, (_, i) => ({ protectionType: 'collective_mark', status: 'published', applicationNumber: `SCALE-${i}`, title: { fr: `Marque ${i}` }, craft: 'pottery', region: 'oriental', images: [] }));
    const imported = await adminA.multipart(`${API}/admin/import`, [{ field: 'manifest', data: Buffer.from(JSON.stringify(manifest)), fileName: 'manifest.json', type: 'application/json' }]);
    assert.equal(imported.status, 200, imported.text);
    assert.equal(imported.body.imported, count, imported.text);
    const before = await adminA.json('GET', `${API}/admin/audit/verify`);
    assert.equal(before.status, 200, before.text);
    await new Promise((r) => setTimeout(r, 50)); // the opposition window (0 days) has passed

    const [ranA, ranB] = await Promise.all([adminA.json('POST', `${API}/admin/jobs/run`, {}), adminB.json('POST', `${API}/admin/jobs/run`, {})]);
    assert.equal(ranA.status, 200, ranA.text);
    assert.equal(ranB.status, 200, ranB.text);
    assert.equal(ranA.body.moved + ranB.body.moved, count, `A moved ${ranA.body.moved}, B moved ${ranB.body.moved}`);

    const after = await adminA.json('GET', `${API}/admin/audit/verify`);
    assert.equal(after.body.valid, true, after.text);
    assert.equal(after.body.events - before.body.events, count, 'one audit event per move');
    for (let i = 0; i < count; i++) {
      const record = await adminB.json('GET', `${API}/registry/SCALE-${i}`);
      assert.equal(record.status, 200, record.text);
      assert.equal(record.body.record.status, 'registered');
    }
  });

  it('When an image is uploaded through one instance, then the other serves the same bytes', async () => {
    const owner = await Session.register(a!.url, 'artisan', 'gridfs');
    const created = await owner.json('POST', `${API}/applications`, filingBody(2));
    const [jpeg] = await distinctJpegs(1, 3);
    const up = await owner.multipart(`${API}/applications/${created.body.application.id}/images`, [{ field: 'images', data: jpeg!, fileName: 'view.jpg', type: 'image/jpeg' }]);
    assert.equal(up.status, 201, up.text);
    const image = up.body.images[0] as { urls: { thumb: string; display: string } };
    for (const url of [image.urls.thumb, image.urls.display]) {
      const fromA = await fetch(`${a!.url}${url}`, { headers: { Cookie: [...owner.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      const fromB = await fetch(`${b!.url}${url}`, { headers: { Cookie: [...owner.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      assert.equal(fromB.status, 200, `${url} on B`);
      assert.equal(fromA.status, 200, `${url} on A`);
      assert.deepEqual(Buffer.from(await fromB.arrayBuffer()), Buffer.from(await fromA.arrayBuffer()));
    }
  });
});
