import assert from 'node:assert/strict';
import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../server/lib/errors.js';
import { canSee, ownedOrNotFound, requireRole, requireUser } from '../../server/modules/accounts/accounts.middleware.js';
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from '../../server/modules/accounts/password.js';

const user = (id: string, role: Express.User['role']): Express.User => ({ id, role, email: `${id}@example.ma`, fullName: id, locale: 'fr' });
const OWNER = user('aaaaaaaaaaaaaaaaaaaaaaaa', 'artisan');
const OTHER = user('bbbbbbbbbbbbbbbbbbbbbbbb', 'artisan');
const EXAMINER = user('cccccccccccccccccccccccc', 'examiner');
const ADMIN = user('dddddddddddddddddddddddd', 'admin');

/** Runs a middleware; resolves with what it threw, or undefined when it called next(). */
function run(mw: (req: Request, res: Response, next: NextFunction) => void, who?: Express.User): unknown {
  let passed = false;
  try {
    mw({ user: who } as Request, {} as Response, () => {
      passed = true;
    });
  } catch (err) {
    return err;
  }
  assert.ok(passed, 'neither threw nor called next()');
  return undefined;
}

describe('accounts: passwords (password.ts)', () => {
  it('When a password is short, is the email, or contains it, then it is refused with a reason', () => {
    assert.match(passwordProblem('123456789', 'a@b.ma')!, /at least 10/);
    assert.match(passwordProblem('fatima@example.ma', 'Fatima@Example.ma')!, /email/);
    assert.match(passwordProblem('my FATIMA@EXAMPLE.MA pass', 'fatima@example.ma')!, /email/);
    assert.match(passwordProblem('x'.repeat(257), 'a@b.ma')!, /at most/);
    assert.equal(passwordProblem('a long enough passphrase', 'fatima@example.ma'), undefined);
  });

  it('When a password is hashed, then it is argon2id with the OWASP parameters and verifies only itself', async () => {
    const hash = await hashPassword('a long enough passphrase');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyPassword(hash, 'a long enough passphrase'), true);
    assert.equal(await verifyPassword(hash, 'a long enough passphrasE'), false);
    assert.equal(await verifyPassword('not a hash', 'anything'), false);
    assert.equal(await verifyAgainstDummy('anything at all'), false);
  });
});

describe('accounts: authorization helpers (accounts.middleware.ts)', () => {
  it('When nobody is signed in, then requireUser and requireRole throw 401', () => {
    assert.ok(run(requireUser) instanceof UnauthenticatedError);
    assert.ok(run(requireRole('admin')) instanceof UnauthenticatedError);
    assert.equal(run(requireUser, OWNER), undefined);
  });

  it('When the role is not allowed, then requireRole throws 403; an allowed role passes', () => {
    assert.ok(run(requireRole('admin'), EXAMINER) instanceof ForbiddenError);
    assert.ok(run(requireRole('examiner', 'admin'), OWNER) instanceof ForbiddenError);
    assert.equal(run(requireRole('examiner', 'admin'), EXAMINER), undefined);
    assert.equal(run(requireRole('examiner', 'admin'), ADMIN), undefined);
  });

  it("When a record is another user's, then ownedOrNotFound throws 404 (not 403); staff see it only when allowed", () => {
    const record = { ownerId: OWNER.id, title: 'Zellige star' };
    assert.equal(ownedOrNotFound(record, OWNER), record);
    assert.throws(() => ownedOrNotFound(record, OTHER), NotFoundError);
    assert.throws(() => ownedOrNotFound(record, undefined), NotFoundError);
    assert.throws(() => ownedOrNotFound(null, OWNER), NotFoundError);
    assert.throws(() => ownedOrNotFound(record, EXAMINER), NotFoundError);
    assert.equal(ownedOrNotFound(record, EXAMINER, { staff: true }), record);
    assert.equal(ownedOrNotFound(record, ADMIN, { staff: true }), record);
  });

  it('When an owner id is an ObjectId-like value, then canSee compares it as a string', () => {
    const objectIdLike = { toString: () => OWNER.id };
    assert.equal(canSee(objectIdLike, OWNER), true);
    assert.equal(canSee(objectIdLike, OTHER), false);
    assert.equal(canSee(undefined, OWNER), false);
    assert.equal(canSee(OWNER.id, undefined, { staff: true }), false);
  });
});
