/**
 * Appending to and checking the audit hash chain. Appending is optimistic: read the last event,
 * insert the next seq with its hash as prevHash; if another writer took that seq meanwhile, the
 * unique index refuses the insert (E11000) and we read again. No transactions needed, and the
 * chain stays one line under any number of concurrent writers or app instances.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { canonicalJson } from '../../lib/signing.js';
import { AuditEvent } from './audit-event.model.js';
import { ChainVerifier, GENESIS_HASH, hashEvent, type ChainedEvent } from './audit-chain.js';

export interface AuditEntry {
  actor: { kind: 'user' | 'system' | 'public'; id?: string; role?: string };
  action: string;
  subject: { type: string; id: string };
  from?: string;
  to?: string;
  data?: Record<string, unknown>;
  at?: Date;
}

const MAX_ATTEMPTS = 500;
const isDuplicateKey = (err: unknown) => (err as { code?: number } | null)?.code === 11000;

/** Appends one event to the chain and returns it (with its seq and hash). */
export async function appendAuditEvent(entry: AuditEntry): Promise<ChainedEvent> {
  // Stored exactly as hashed: Dates become ISO strings, undefined members disappear.
  const data = entry.data ? (JSON.parse(canonicalJson(entry.data)) as Record<string, unknown>) : undefined;
  const at = entry.at ?? new Date();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const last = await AuditEvent.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean();
    const event: ChainedEvent = {
      seq: (last?.seq ?? 0) + 1,
      at,
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      from: entry.from,
      to: entry.to,
      data,
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    event.hash = hashEvent(event);
    try {
      await AuditEvent.create(event);
      return event;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Another writer took this place; spread the retries so a crowd does not collide in step.
      await sleep(Math.floor(Math.random() * Math.min(50, 2 + attempt * 2)));
    }
  }
  throw new Error('Could not append to the audit log: too much contention');
}

/** Recomputes the whole chain in seq order. */
export async function verifyAuditChain(): Promise<{ valid: boolean; events: number; firstBrokenAt?: number }> {
  const verifier = new ChainVerifier();
  const cursor = AuditEvent.find({}).sort({ seq: 1 }).lean().cursor({ batchSize: 500 });
  for await (const event of cursor) verifier.push(event as unknown as ChainedEvent);
  return verifier.valid ? { valid: true, events: verifier.count } : { valid: false, events: verifier.count, firstBrokenAt: verifier.firstBrokenAt };
}

/** The events about one subject, oldest first (for an examiner's view of earlier decisions). */
export async function auditEventsFor(subjectId: string) {
  return AuditEvent.find({ 'subject.id': subjectId }).sort({ seq: 1 }).lean();
}
