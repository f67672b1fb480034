/**
 * Bearer tokens for scripts: `nqs_` + 32 random bytes (base64url). Only the SHA-256 is stored,
 * and looked up directly, so there is nothing to compare in non-constant time.
 */
import { createHash, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { BusinessRuleError, NotFoundError } from '../../lib/errors.js';
import type { AuthUser } from './accounts.presenter.js';
import { findAuthUser } from './accounts.service.js';
import { ApiToken } from './api-token.model.js';

export const TOKEN_PREFIX = 'nqs_';
const TOKEN_PATTERN = /^nqs_[A-Za-z0-9_-]{43}$/;
const MAX_TOKENS_PER_USER = 50;
/** lastUsedAt is written at most this often, so a busy script does not write on every call. */
const LAST_USED_PRECISION_MS = 60_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export async function createToken(userId: string, name: string) {
  if ((await ApiToken.countDocuments({ userId })) >= MAX_TOKENS_PER_USER) {
    throw new BusinessRuleError(`At most ${MAX_TOKENS_PER_USER} tokens per account; revoke one first.`);
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const doc = await ApiToken.create({ userId, name, tokenHash: sha256(token), prefix: token.slice(0, 8) });
  return { token, id: doc.id as string, name: doc.name, prefix: doc.prefix };
}

export function listTokens(userId: string) {
  return ApiToken.find({ userId }).sort({ createdAt: -1 }).lean();
}

/** Revokes one of the user's tokens; another user's token is "not found", like a missing one. */
export async function revokeToken(userId: string, tokenId: string): Promise<void> {
  if (!mongoose.isValidObjectId(tokenId)) throw new NotFoundError('No such token.');
  const { deletedCount } = await ApiToken.deleteOne({ _id: tokenId, userId });
  if (deletedCount !== 1) throw new NotFoundError('No such token.');
}

/** The user a token belongs to, or undefined for an unknown, revoked or malformed token. */
export async function authenticateToken(token: string, now = new Date()): Promise<AuthUser | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const doc = await ApiToken.findOne({ tokenHash: sha256(token) }).lean();
  if (!doc) return undefined;
  const user = await findAuthUser(String(doc.userId));
  if (!user) return undefined;
  if (!doc.lastUsedAt || now.getTime() - doc.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await ApiToken.updateOne({ _id: doc._id }, { $set: { lastUsedAt: now } });
  }
  return user;
}
