/**
 * Sign-in throttling: failures are counted per account and per client address in MongoDB, with
 * atomic upserts, so every app instance sees the same counts. A key that reaches its limit within
 * the window is locked for LOCK_MS; while locked, even the right password answers 429.
 * Every function takes `now`, so tests can move time without waiting. Operator filters are
 * wrapped in mongoose.trusted(): with sanitizeFilter on, mongoose would otherwise neutralise them.
 */
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { LoginThrottle } from './login-throttle.model.js';

export const WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;
export const ACCOUNT_LIMIT = 10;
export const ADDRESS_LIMIT = 50;

export interface ThrottleKey {
  id: string;
  limit: number;
}

/** Keyed by a hash of the email, so unknown addresses people type are not kept in clear. */
export function accountKey(email: string): ThrottleKey {
  return { id: `a:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`, limit: ACCOUNT_LIMIT };
}

export function addressKey(ip: string | undefined): ThrottleKey {
  return { id: `i:${ip ?? 'unknown'}`, limit: ADDRESS_LIMIT };
}

/** Milliseconds until the longest lock among the keys ends, or 0 when none is locked. */
export async function lockRemainingMs(keys: ThrottleKey[], now: Date): Promise<number> {
  const docs = await LoginThrottle.find({ _id: mongoose.trusted({ $in: keys.map((k) => k.id) }) }).lean();
  let remaining = 0;
  for (const doc of docs) {
    if (doc.lockedUntil && doc.lockedUntil > now) remaining = Math.max(remaining, doc.lockedUntil.getTime() - now.getTime());
  }
  return remaining;
}

/** Counts one failure for the key; locks it when the count reaches its limit within the window. */
export async function recordFailure(key: ThrottleKey, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  // A window that has run out (and is not locked) starts again from zero.
  await LoginThrottle.updateOne(
    {
      _id: key.id,
      windowStartedAt: mongoose.trusted({ $lte: windowStart }),
      $or: [{ lockedUntil: null }, { lockedUntil: mongoose.trusted({ $lte: now }) }],
    },
    { $set: { failures: 0, windowStartedAt: now }, $unset: { lockedUntil: 1 } },
  );
  const doc = await LoginThrottle.findOneAndUpdate(
    { _id: key.id },
    {
      $inc: { failures: 1 },
      $setOnInsert: { windowStartedAt: now },
      $set: { expiresAt: new Date(now.getTime() + WINDOW_MS + LOCK_MS) },
    },
    { upsert: true, returnDocument: 'after', lean: true },
  );
  if (doc && doc.failures >= key.limit && !(doc.lockedUntil && doc.lockedUntil > now)) {
    // The lock starts a fresh count: after it ends, another full window of tries.
    const lockedUntil = new Date(now.getTime() + LOCK_MS);
    await LoginThrottle.updateOne(
      { _id: key.id },
      { $set: { lockedUntil, failures: 0, windowStartedAt: lockedUntil, expiresAt: new Date(lockedUntil.getTime() + WINDOW_MS) } },
    );
  }
}

/** A successful sign-in forgets the account's failures (never the address's). */
export async function clearFailures(key: ThrottleKey): Promise<void> {
  await LoginThrottle.deleteOne({ _id: key.id });
}
