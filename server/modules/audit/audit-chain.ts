/**
 * The hash chain itself (pure): what an event's hash covers, and how a sequence of events is
 * checked. The first event's previous hash is GENESIS_HASH.
 */
import crypto from 'node:crypto';
import { canonicalJson } from '../../lib/signing.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEvent {
  seq: number;
  at: Date | string;
  actor: { kind: string; id?: string | null; role?: string | null };
  action: string;
  subject: { type: string; id: string };
  from?: string | null;
  to?: string | null;
  data?: unknown;
  prevHash: string;
  hash?: string;
}

/** SHA-256 (hex) of the canonical JSON of everything in the event but its own hash. */
export function hashEvent(event: ChainedEvent): string {
  const content = {
    seq: event.seq,
    at: new Date(event.at).toISOString(),
    actor: { kind: event.actor.kind, id: event.actor.id ?? null, role: event.actor.role ?? null },
    action: event.action,
    subject: { type: event.subject.type, id: event.subject.id },
    from: event.from ?? null,
    to: event.to ?? null,
    data: event.data ?? null,
    prevHash: event.prevHash,
  };
  return crypto.createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** Walks events in seq order; reports the first one whose place, link or contents are wrong. */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  count = 0;
  firstBrokenAt: number | undefined;

  push(event: ChainedEvent): void {
    this.count++;
    if (this.firstBrokenAt !== undefined) return;
    const broken = event.seq !== this.expectedSeq || event.prevHash !== this.prevHash || event.hash !== hashEvent(event);
    if (broken) {
      // A missing event shows as a gap: the place where the chain breaks is the first absent seq.
      this.firstBrokenAt = Math.min(event.seq, this.expectedSeq);
      return;
    }
    this.expectedSeq = event.seq + 1;
    this.prevHash = event.hash!;
  }

  get valid(): boolean {
    return this.firstBrokenAt === undefined;
  }
}
