/** A shared fixed-window rate limit (counters in MongoDB, see rate-limit.model.ts). */
import { RateLimitError } from '../../lib/errors.js';
import { RateCounter } from './rate-limit.model.js';

export interface RateRule {
  name: string;
  limit: number;
  windowMs: number;
}

/** Counts one request for `who`; throws 429 with Retry-After once the window's limit is passed. */
export async function consume(rule: RateRule, who: string, now = new Date()): Promise<void> {
  const start = Math.floor(now.getTime() / rule.windowMs) * rule.windowMs;
  const end = start + rule.windowMs;
  const counter = await RateCounter.findOneAndUpdate(
    { _id: `${rule.name}:${who}:${start}` },
    { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date(end) } },
    { upsert: true, returnDocument: 'after' },
  ).lean<{ count: number }>();
  if (counter && counter.count > rule.limit) throw new RateLimitError((end - now.getTime()) / 1000, 'Too many oppositions from this address; try again later.');
}
