import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import sharp from 'sharp';
import { canonicalJson } from '../../server/lib/signing.js';
import { API, anonymousAgent } from '../support/actors.js';
import { resetDatabase } from '../support/db.js';
import { completeDraft, createCast, lifecycleApp, move, type Cast } from './lifecycle-fixtures.js';

describe('GET /api/v1/applications/:id/receipt', () => {
  const { app } = lifecycleApp();
  let cast: Cast;

  before(async () => {
    await resetDatabase();
    cast = await createCast(app);
  });

  function verify(receipt: Record<string, unknown> & { signature: { publicKey: string; value: string } }): boolean {
    const { signature, ...payload } = receipt;
    return crypto.verify(null, Buffer.from(canonicalJson(payload)), crypto.createPublicKey(signature.publicKey), Buffer.from(signature.value, 'base64url'));
  }

  it('When a filing with a real uploaded image is submitted, then its receipt carries the SHA-256 of the bytes and a valid Ed25519 signature', async () => {
    const owner = cast.owners.industrial_design;
    const created = await owner.agent.post(`${API}/applications`).send({ protectionType: 'industrial_design', title: { fr: 'Zellige de Fès' }, craft: 'zellige', region: 'fes-meknes', locarnoClass: '25-01' });
    assert.equal(created.status, 201, created.text);
    const id = created.body.application.id as string;
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 180, g: 30, b: 40 } } }).png().toBuffer();
    const upload = await owner.agent.post(`${API}/applications/${id}/images`).attach('images', png, { filename: 'zellige.png', contentType: 'image/png' });
    assert.equal(upload.status, 201, upload.text);

    const before = await owner.agent.get(`${API}/applications/${id}/receipt`);
    assert.equal(before.status, 404, 'no receipt before submission');

    const submitted = await move(owner.agent, id, 'submit', 'submitted');
    const res = await owner.agent.get(`${API}/applications/${id}/receipt`);
    assert.equal(res.status, 200, res.text);
    const { receipt } = res.body;
    assert.equal(receipt.applicationNumber, submitted.applicationNumber);
    assert.equal(receipt.filedAt, submitted.filedAt);
    assert.equal(receipt.files.length, 1);
    assert.equal(receipt.files[0].sha256, crypto.createHash('sha256').update(png).digest('hex'));
    assert.equal(receipt.signature.algorithm, 'Ed25519');
    assert.equal(verify(receipt), true);
    assert.equal(verify({ ...receipt, filedAt: '2020-01-01T00:00:00.000Z' }), false, 'a changed date breaks the signature');
  });

  it('When the PDF is asked for, then a PDF comes back; examiners may read it, strangers and anonymous may not', async () => {
    const owner = cast.owners.collective_mark;
    const id = await completeDraft(owner, 'collective_mark');
    await move(owner.agent, id, 'submit', 'submitted');
    const pdf = await owner.agent.get(`${API}/applications/${id}/receipt`).set('Accept', 'application/pdf').buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    assert.equal(pdf.status, 200);
    assert.match(String(pdf.headers['content-type']), /^application\/pdf/);
    assert.equal((pdf.body as Buffer).subarray(0, 5).toString(), '%PDF-');
    assert.equal((await cast.examiner.agent.get(`${API}/applications/${id}/receipt`)).status, 200);
    assert.equal((await cast.stranger.agent.get(`${API}/applications/${id}/receipt`)).status, 404);
    assert.equal((await (await anonymousAgent(app)).get(`${API}/applications/${id}/receipt`)).status, 401);
  });

  it('When the receipt is read twice, then it is the same signed document (issued once)', async () => {
    const owner = cast.owners.heritage_inventory;
    const id = await completeDraft(owner, 'heritage_inventory');
    await move(owner.agent, id, 'submit', 'submitted');
    const a = await owner.agent.get(`${API}/applications/${id}/receipt`);
    const b = await owner.agent.get(`${API}/applications/${id}/receipt`);
    assert.deepEqual(a.body, b.body);
    assert.equal(a.body.receipt.files.length, 3, 'two images and the consent document');
  });
});
