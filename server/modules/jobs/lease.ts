/** Taking and giving back a job lease (see lease.model.ts). */
import crypto from 'node:crypto';
import os from 'node:os';
import mongoose from 'mongoose';
import { Lease } from './lease.model.js';

/** A name for one lease taker: host, process, and a random part (two takers in one process differ). */
export const leaseHolder = () => `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;

const isDuplicateKey = (err: unknown) => (err as { code?: number } | null)?.code === 11000;

/**
 * Takes the lease `name` for `ttlMs` if it is free (absent, expired, or already ours). When
 * another holder's lease is live, the filter matches nothing, the upsert tries to insert the
 * same _id and the unique _id index refuses it: that refusal is the "no".
 */
export async function acquireLease(name: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
  try {
    await Lease.findOneAndUpdate(
      { _id: name, $or: [{ until: mongoose.trusted({ $lte: now }) }, { holder }] },
      { $set: { holder, until: new Date(now.getTime() + ttlMs) } },
      { upsert: true, returnDocument: 'after' },
    );
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

export async function releaseLease(name: string, holder: string): Promise<void> {
  await Lease.updateOne({ _id: name, holder }, { $set: { until: new Date(0) } });
}
