import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChainVerifier, GENESIS_HASH, hashEvent, type ChainedEvent } from '../../server/modules/audit/audit-chain.js';
import { canonicalJson, getSigner, KEY_FILE_NAME, parsePrivateKey, signerFromKey } from '../../server/lib/signing.js';
import { recipientsOf } from '../../server/modules/lifecycle/lifecycle.notify.js';
import { NOTIFICATION_KINDS, renderMessage } from '../../server/modules/notifications/messages.js';
import { formatNumber, parseNumber } from '../../server/modules/numbering/numbering.js';

describe('lifecycle support: signing, numbers, audit chain, messages', () => {
  describe('signing (server/lib/signing.ts)', () => {
    it('When two objects hold the same data in another key order, then their canonical JSON is the same', () => {
      const at = new Date('2026-05-10T10:00:00Z');
      assert.equal(canonicalJson({ b: 1, a: { d: at, c: [2, { z: 1, y: undefined }] } }), '{"a":{"c":[2,{"z":1}],"d":"2026-05-10T10:00:00.000Z"},"b":1}');
      assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
    });

    it('When a payload is signed, then it verifies, and any change breaks it', () => {
      const signer = signerFromKey(crypto.generateKeyPairSync('ed25519').privateKey);
      const signature = signer.signJson({ number: 'D-2026-000001', filedAt: '2026-05-10' });
      assert.equal(signer.verifyJson({ filedAt: '2026-05-10', number: 'D-2026-000001' }, signature), true);
      assert.equal(signer.verifyJson({ filedAt: '2026-05-11', number: 'D-2026-000001' }, signature), false);
      assert.equal(signer.verify('x', 'not-a-signature'), false);
      assert.match(signer.keyId, /^[0-9a-f]{16}$/);
    });

    it('When SIGNING_KEY is a PEM, a base64 PKCS#8 or a base64 seed, then all give the same key', () => {
      const key = crypto.generateKeyPairSync('ed25519').privateKey;
      const pem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
      const der = key.export({ type: 'pkcs8', format: 'der' });
      const seed = der.subarray(der.length - 32);
      const ids = [pem, der.toString('base64'), seed.toString('base64'), seed.toString('base64url')].map((t) => signerFromKey(parsePrivateKey(t)).keyId);
      assert.equal(new Set(ids).size, 1);
      assert.throws(() => parsePrivateKey(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64')));
    });

    it('When no key is configured outside tests, then one is generated once in DATA_DIR and reused', () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-key-'));
      const first = getSigner({ dataDir, signingKey: undefined });
      const file = path.join(dataDir, KEY_FILE_NAME);
      assert.ok(fs.existsSync(file));
      assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600');
      // A new process would read the same file: a signer made from it has the same key id.
      assert.equal(signerFromKey(crypto.createPrivateKey(fs.readFileSync(file, 'utf8'))).keyId, first.keyId);
      assert.equal(getSigner({ dataDir, signingKey: undefined }).keyId, first.keyId);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('When running tests without a key, then the key lives in memory and nothing is written', () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-key-'));
      getSigner({ dataDir, signingKey: undefined, test: true });
      assert.equal(fs.existsSync(path.join(dataDir, KEY_FILE_NAME)), false);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
  });

  describe('numbers (server/modules/numbering/numbering.ts)', () => {
    it('When numbers are written, then the type letter, year and six digits show, registrations with an R', () => {
      assert.equal(formatNumber('application', 'industrial_design', 2026, 123), 'D-2026-000123');
      assert.equal(formatNumber('application', 'collective_mark', 2026, 1), 'M-2026-000001');
      assert.equal(formatNumber('registration', 'heritage_inventory', 2027, 45), 'RH-2027-000045');
      assert.deepEqual(parseNumber('RD-2026-000007'), { kind: 'registration', type: 'industrial_design', year: 2026, seq: 7 });
      assert.equal(parseNumber('OMPIC/1998/12'), undefined);
    });
  });

  describe('audit chain (server/modules/audit/audit-chain.ts)', () => {
    function chain(n: number): ChainedEvent[] {
      const events: ChainedEvent[] = [];
      let prev = GENESIS_HASH;
      for (let seq = 1; seq <= n; seq++) {
        const e: ChainedEvent = { seq, at: new Date(1_700_000_000_000 + seq), actor: { kind: 'system' }, action: 'register', subject: { type: 'application', id: `a${seq}` }, from: 'published', to: 'registered', data: { n: seq }, prevHash: prev };
        e.hash = hashEvent(e);
        prev = e.hash;
        events.push(e);
      }
      return events;
    }
    const check = (events: ChainedEvent[]) => {
      const v = new ChainVerifier();
      events.forEach((e) => v.push(e));
      return { valid: v.valid, count: v.count, firstBrokenAt: v.firstBrokenAt };
    };

    it('When the chain is intact, then it is valid', () => {
      assert.deepEqual(check(chain(5)), { valid: true, count: 5, firstBrokenAt: undefined });
    });

    it('When an event changes, disappears or is reordered, then the first broken place is named', () => {
      const changed = chain(5);
      changed[2] = { ...changed[2]!, data: { n: 99 } };
      assert.equal(check(changed).firstBrokenAt, 3);
      const missing = chain(5).filter((e) => e.seq !== 4);
      assert.equal(check(missing).firstBrokenAt, 4);
      const missingFirst = chain(3).slice(1);
      assert.equal(check(missingFirst).firstBrokenAt, 1);
    });
  });

  describe('notification messages (server/modules/notifications/messages.ts)', () => {
    it('When any kind is written in any language, then it has a subject and a text without placeholders', () => {
      for (const kind of NOTIFICATION_KINDS) {
        for (const locale of ['ar', 'fr', 'en'] as const) {
          const { subject, body } = renderMessage(kind, { ref: 'M-2026-000001', number: 'RM-2026-000001', reason: 'r', grounds: ['deceptive'], deadline: '2026-08-08T22:59:59.999Z' }, locale);
          assert.ok(subject.length > 3 && body.length > 10, `${kind}/${locale}`);
          assert.ok(!/undefined|\$\{/.test(subject + body), `${kind}/${locale}: ${body}`);
        }
      }
    });

    it('When a deadline is shown, then it is the Moroccan calendar day in the reader\'s language', () => {
      const params = { ref: 'D-2026-000001', reason: 'x', deadline: '2026-08-08T22:59:59.999Z' };
      assert.match(renderMessage('correction_requested', params, 'fr').body, /8 août 2026/);
      assert.match(renderMessage('correction_requested', params, 'en').body, /8 August 2026/);
    });

    it('When a move concerns an owner and an assigned examiner, then each gets the right kind, never the actor about their own decision', () => {
      const base = { ownerId: 'o', assignedTo: 'e', params: {} };
      assert.deepEqual(recipientsOf({ ...base, plan: { action: 'approve', from: 'substantive_review', to: 'published' }, actorId: 'e' }), [{ userId: 'o', kind: 'published' }]);
      assert.deepEqual(recipientsOf({ ...base, plan: { action: 'resubmit', from: 'correction_requested', to: 'formality_review' }, actorId: 'o' }), [{ userId: 'e', kind: 'resubmitted' }]);
      assert.deepEqual(recipientsOf({ ...base, plan: { action: 'decide_opposition', from: 'opposed', to: 'refused' }, actorId: 'e' }), [{ userId: 'o', kind: 'opposition_upheld' }]);
      assert.deepEqual(recipientsOf({ ...base, plan: { action: 'accept_formalities', from: 'formality_review', to: 'registered' }, actorId: 'e' }), [{ userId: 'o', kind: 'registered' }]);
    });
  });
});
