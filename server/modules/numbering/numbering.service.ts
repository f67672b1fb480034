/**
 * Allocates application and registration numbers from atomic counters: one findOneAndUpdate with
 * $inc per number, upserting the year's counter on first use. Callers allocate only after their
 * move has won, so a lost race never burns a number (no gaps).
 */
import type { ProtectionType } from '../reference/reference.data.js';
import { legalYear } from '../lifecycle/deadlines.js';
import { Counter } from './counter.model.js';
import { counterId, formatNumber, type NumberKind } from './numbering.js';

export { formatNumber, parseNumber, type NumberKind } from './numbering.js';

const isDuplicateKey = (err: unknown) => (err as { code?: number } | null)?.code === 11000;

/** The next value of a counter (1 for a new one). */
export async function nextSequence(id: string): Promise<number> {
  // Two first uses of a counter may both try to insert it; the loser's upsert fails with E11000
  // and simply retries as an update of the document the winner created.
  for (let attempt = 0; ; attempt++) {
    try {
      const doc = await Counter.findOneAndUpdate({ _id: id }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after', lean: true });
      return doc!.seq;
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= 5) throw err;
    }
  }
}

/** The next number of a series for the type, in the year of `at` (Moroccan legal time). */
export async function allocateNumber(kind: NumberKind, type: ProtectionType, at: Date): Promise<string> {
  const year = legalYear(at);
  const seq = await nextSequence(counterId(kind, type, year));
  return formatNumber(kind, type, year, seq);
}
