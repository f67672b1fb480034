/**
 * Bad input on every endpoint the server declares (read from GET /api/openapi.json, so a new
 * endpoint is covered the day it lands): wrong types, missing fields, oversize JSON, operator
 * injection in bodies and query strings, invalid ids, path tricks in file names, and the whole
 * upload corpus of ../shared/fixtures/uploads/. Every answer is a 4xx problem+json (never a 5xx),
 * and nothing is stored: documents in every collection and files on disk are counted before and after.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { API, anonymousAgent, createActor, type Actor } from '../support/actors.js';
import { createTestApp } from '../support/app.js';
import { resetDatabase } from '../support/db.js';
import { repoRoot } from '../support/server-process.js';

const corpusDir = path.resolve(repoRoot, '../shared/fixtures/uploads');
const corpus = JSON.parse(fs.readFileSync(path.join(corpusDir, 'manifest.json'), 'utf8')) as Array<{ file: string; expect: 'accept' | 'reject'; why: string }>;

interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  json?: { required: string[]; properties: Record<string, { type?: string }> };
  multipart: boolean;
  query: string[];
}

// Counters and sessions change on any request (a session per new browser, rate counters): not "stored input".
const BOOKKEEPING = /^(sessions|login_?throttles?|rate_?counters?|ratecounters|loginthrottles|leases|system\.)/i;
const INJECTIONS: unknown[] = [{ $gt: '' }, { $ne: null }, { $where: 'sleep(100) || true' }, { $nor: [{ a: 1 }] }, ['array'], 12345, true];
const BAD_IDS = ['not-an-id', '..%2F..%2Fetc%2Fpasswd', '%7B%22%24gt%22%3A%22%22%7D', '%24where', 'x'.repeat(300), '000000000000000000000000'];

function operations(doc: { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, { type?: string }> } }> }; parameters?: Array<{ in: string; name: string }> }>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {};
      const schema = content['application/json']?.schema;
      ops.push({
        method: method as Operation['method'],
        path: p,
        json: schema ? { required: schema.required ?? [], properties: schema.properties ?? {} } : undefined,
        multipart: Boolean(content['multipart/form-data']),
        query: (op.parameters ?? []).filter((q) => q.in === 'query').map((q) => q.name),
      });
    }
  }
  return ops;
}

/** A value of the wrong type for a declared property. */
function wrongType(type: string | undefined): unknown {
  if (type === 'string') return 42;
  if (type === 'number' || type === 'integer') return 'forty-two';
  if (type === 'boolean') return 'yes';
  if (type === 'array') return 'not-a-list';
  return 7;
}

describe('Reliability: bad input on every endpoint', function () {
  this.timeout(240_000);
  let uploadsDir: string;
  let app: ReturnType<typeof createTestApp>['app'];
  let owner: Actor;
  let admin: Actor;
  let ids: Record<string, string>;
  let ops: Operation[];

  const counts = async () => {
    const db = mongoose.connection.db!;
    const out: Record<string, number> = {};
    for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (!BOOKKEEPING.test(c.name)) out[c.name] = await db.collection(c.name).countDocuments({});
    }
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else files.push(path.relative(uploadsDir, path.join(d, e.name)));
      }
    };
    walk(uploadsDir);
    return { out, files: files.sort() };
  };

  const agentFor = (op: Operation) => (/^\/api\/v1\/(admin|examination)|\/(notes|similar|assignment|oppositions|decisions)$/.test(op.path) ? admin.agent : owner.agent);
  const fill = (p: string, bad?: string) =>
    p.replace(/\{(\w+)\}/g, (_m, name: string) => bad ?? ids[name] ?? ids.id!);

  const failures: string[] = [];
  const check = (label: string, res: request.Response, allowed: (s: number) => boolean = (s) => s >= 400 && s < 500) => {
    if (res.status >= 500) failures.push(`${label}: ${res.status} ${res.text.slice(0, 200)}`);
    else if (!allowed(res.status)) failures.push(`${label}: expected a 4xx, got ${res.status} ${res.text.slice(0, 160)}`);
    else if (res.status >= 400 && !/application\/problem\+json/.test(String(res.headers['content-type']))) failures.push(`${label}: ${res.status} is not problem+json (${String(res.headers['content-type'])})`);
  };

  before(async () => {
    await resetDatabase();
    uploadsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-bad-input-'));
    ({ app } = createTestApp({ UPLOADS_DIR: uploadsDir }));
    owner = await createActor(app, 'artisan');
    admin = await createActor(app, 'admin');
    const filing = await owner.agent.post(`${API}/applications`).send({ protectionType: 'industrial_design', locarnoClass: '06-11', title: { fr: 'Tapis' }, craft: 'carpet', region: 'fes-meknes' }).expect(201);
    const img = await owner.agent.post(`${API}/applications/${filing.body.application.id}/images`).attach('images', path.join(corpusDir, 'good-motif.jpg')).expect(201);
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const doc = await owner.agent.post(`${API}/applications/${filing.body.application.id}/documents`).field('kind', 'other').attach('document', pdf, { filename: 'rules.pdf', contentType: 'application/pdf' });
    const id = filing.body.application.id as string;
    ids = { id, imageId: img.body.images[0].id, documentId: doc.body?.document?.id ?? doc.body?.documents?.[0]?.id ?? id, number: 'NO-SUCH-NUMBER', registrationNumber: 'NO-SUCH-NUMBER', action: 'submit', variant: 'thumb' };
    const spec = await request(app).get('/api/openapi.json').expect(200);
    ops = operations(spec.body);
    assert.ok(ops.length >= 20, `only ${ops.length} operations declared`);
  });
  after(() => fs.rmSync(uploadsDir, { recursive: true, force: true }));

  it('When JSON bodies have wrong types, missing fields, operator objects or are over 1 MB, then every endpoint answers a 4xx problem+json and stores nothing', async () => {
    const before = await counts();
    const big = { title: { fr: 'x'.repeat(1_100_000) } };
    let cases = 0;
    for (const op of ops.filter((o) => o.json && o.method !== 'get')) {
      // Signing out or changing the password would end the session the rest of the run uses.
      if (/\/auth\/(logout|password)$/.test(op.path)) continue;
      const agent = agentFor(op);
      const url = fill(op.path);
      const send = (body: unknown) => agent[op.method](url).set('Content-Type', 'application/json').send(JSON.stringify(body));
      const label = (what: string) => `${op.method.toUpperCase()} ${op.path} ${what}`;
      const required = op.json!.required;
      const props = Object.entries(op.json!.properties);

      check(label('over 1 MB'), await send(big), (s) => s === 413);
      check(label('not JSON'), await agent[op.method](url).set('Content-Type', 'application/json').send('{"title": '));
      cases += 2;
      if (required.length) {
        check(label('empty object'), await send({}));
        check(label('an array'), await send([]));
        check(label('a string'), await send('just a string'));
        cases += 3;
        for (const injection of INJECTIONS.slice(0, 4)) {
          check(label(`body ${JSON.stringify(injection)}`), await send(injection));
          cases++;
        }
      }
      for (const [name, prop] of props) {
        // Every other field stays valid-looking only when there is no required field to break.
        check(label(`${name} of the wrong type`), await send({ [name]: wrongType(prop.type) }));
        cases++;
        for (const injection of INJECTIONS.slice(0, 4)) {
          if (prop.type === 'object') continue;
          check(label(`${name}=${JSON.stringify(injection)}`), await send({ [name]: injection }));
          cases++;
        }
      }
    }
    const after = await counts();
    assert.deepEqual(failures, [], `${failures.length} of ${cases} cases`);
    assert.deepEqual(after, before, 'documents or files were stored');
  });

  it('When query strings carry operator objects, repeated or out-of-range values, then searches and lists answer a 4xx problem+json', async () => {
    failures.length = 0;
    let cases = 0;
    for (const op of ops.filter((o) => o.method === 'get' && o.query.length)) {
      const agent = agentFor(op);
      const url = fill(op.path);
      for (const name of op.query) {
        for (const qs of [`${name}[$gt]=`, `${name}[$ne]=x`, `${name}[$where]=sleep(100)`, `${name}[$nor][0][a]=1`]) {
          check(`GET ${op.path}?${qs}`, await agent.get(`${url}?${qs}`));
          cases++;
        }
      }
      if (op.query.includes('limit')) {
        for (const qs of ['limit=abc', 'limit=-1', 'limit=100000', 'limit=1e400']) {
          check(`GET ${op.path}?${qs}`, await agent.get(`${url}?${qs}`));
          cases++;
        }
      }
    }
    assert.ok(cases > 20);
    assert.deepEqual(failures, [], `${failures.length} of ${cases} cases`);
  });

  it('When path parameters are invalid ids, traversal strings or operator text, then every endpoint answers a 4xx problem+json and stores nothing', async () => {
    failures.length = 0;
    const before = await counts();
    let cases = 0;
    for (const op of ops.filter((o) => /\{\w+\}/.test(o.path))) {
      const agent = agentFor(op);
      for (const bad of BAD_IDS) {
        const url = fill(op.path, bad);
        const req = agent[op.method](url);
        const res = op.json ? await req.send({ reason: 'x', name: 'x', text: 'x', grounds: 'x', email: 'a@b.ma' }) : await req;
        check(`${op.method.toUpperCase()} ${op.path} with ${bad.slice(0, 40)}`, res);
        cases++;
      }
    }
    const anonymous = await anonymousAgent(app);
    for (const trick of ['/media/..%2F..%2Fetc%2Fpasswd/thumb', '/media/%2e%2e/%2e%2e/package.json', `/media/${ids.imageId}/..%2F..%2F..%2Fpackage.json`, `/media/${ids.imageId}/original%00.jpg`]) {
      check(`GET /api/v1${trick}`, await anonymous.get(`${API}${trick}`));
      cases++;
    }
    assert.deepEqual(failures, [], `${failures.length} of ${cases} cases`);
    assert.deepEqual(await counts(), before, 'documents or files were stored');
  });

  it('When the upload corpus is sent to every multipart endpoint, then each rejected file answers a 4xx problem+json and stores nothing, and a client file name never becomes a path', async () => {
    failures.length = 0;
    const rejects = corpus.filter((c) => c.expect === 'reject');
    assert.ok(rejects.length >= 8);
    const before = await counts();
    const multipartOps = ops.filter((o) => o.multipart);
    assert.ok(multipartOps.length >= 3, multipartOps.map((o) => o.path).join());
    for (const op of multipartOps) {
      const agent = agentFor(op);
      const url = fill(op.path);
      for (const item of rejects) {
        const data = fs.readFileSync(path.join(corpusDir, item.file));
        const label = `POST ${op.path} ${item.file} (${item.why})`;
        if (op.path.endsWith('/admin/import')) {
          const manifest = [{ protectionType: 'industrial_design', status: 'registered', title: { fr: 'Rejet' }, craft: 'carpet', region: 'oriental', images: [item.file] }];
          const res = await agent.post(url).attach('manifest', Buffer.from(JSON.stringify(manifest)), { filename: 'manifest.json', contentType: 'application/json' }).attach('images', data, { filename: item.file });
          // An import answers per record: the batch is 200 (or a 4xx), the record is refused.
          if (res.status >= 500) failures.push(`${label}: ${res.status}`);
          else if (res.status === 200 && res.body.imported !== 0) failures.push(`${label}: imported ${res.body.imported}`);
          else if (res.status !== 200) check(label, res);
          continue;
        }
        const field = op.path.endsWith('/documents') ? 'document' : op.path.endsWith('/search/image') ? 'image' : 'images';
        // The corpus is about images: a real PDF under a .jpg name is a valid *document*.
        if (field === 'document' && data.subarray(0, 5).toString() === '%PDF-') continue;
        let req = agent.post(url);
        if (field === 'document') req = req.field('kind', 'other');
        // A search only reads the photo: its decoder is lenient by design (failOn: 'none') and
        // makes what it can of a cut-off JPEG; nothing is stored either way.
        const lenient = field === 'image' && item.file === 'truncated.jpg';
        check(label, await req.attach(field, data, { filename: item.file }), (st) => (st >= 400 && st < 500) || (lenient && st === 200));
      }
      // Multipart with no file, and a form field with an operator-looking value.
      check(`POST ${op.path} without a file`, await agent.post(url).field('kind', '{"$gt":""}').field('x', '$where'));
    }
    assert.deepEqual(failures, [], failures.join('\n'));
    assert.deepEqual(await counts(), before, 'a rejected upload stored something');

    // A good image named ../../etc/passwd is stored under a generated key, and its name is not kept as a path.
    const res = await owner.agent.post(`${API}/applications/${ids.id}/images`).attach('images', path.join(corpusDir, 'path-traversal-name.jpg'), { filename: '../../../etc/cron.d/evil.jpg' });
    assert.equal(res.status, 201, res.text);
    // Content-addressed: the same bytes may already be stored, so check the keys the record points at.
    const stored = await mongoose.connection.db!.collection('applications').findOne({ 'images._id': new mongoose.Types.ObjectId(String(res.body.images[0].id)) });
    const image = (stored!.images as Array<{ _id: unknown; files: Record<string, string> }>).find((i) => String(i._id) === String(res.body.images[0].id))!;
    const keys = Object.values(image.files);
    assert.ok(keys.length >= 4, JSON.stringify(image.files));
    for (const key of keys) {
      assert.match(key, /^[a-f0-9]{64}\.(jpg|png|webp)$/, `stored as ${key}`);
      // Files are fanned out by the first two hex digits of their key.
      assert.ok(fs.existsSync(path.join(uploadsDir, key.slice(0, 2), key)), `${key} is on disk`);
    }
    assert.ok(!fs.existsSync(path.join(uploadsDir, '..', 'etc')), 'nothing written beside the uploads folder');
    assert.doesNotMatch(res.text, /etc\/cron|\.\.\//);
  });
});
