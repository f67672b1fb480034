/**
 * Registry statistics for admins and examiners: filings by status, type, craft, region and month
 * of filing, and the median time from filing to the first decision (registration of a design,
 * publication of a mark or heritage entry, or refusal).
 */
import mongoose from 'mongoose';
import { Application } from '../applications/application.model.js';

const { trusted } = mongoose;
const DECISIONS = new Set(['registered', 'published', 'refused']);

async function countBy(field: string): Promise<Record<string, number>> {
  const rows = await Application.aggregate<{ _id: string | null; n: number }>([
    { $match: { status: trusted({ $ne: 'draft' }) } },
    { $group: { _id: `$${field}`, n: { $sum: 1 } } },
  ]);
  return Object.fromEntries(rows.filter((r) => r._id != null).sort((a, b) => String(a._id).localeCompare(String(b._id))).map((r) => [String(r._id), r.n]));
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function registryStats() {
  const [byStatus, byType, byCraft, byRegion] = await Promise.all([countBy('status'), countBy('protectionType'), countBy('craft'), countBy('region')]);
  const byMonth: Record<string, number> = {};
  const days: number[] = [];
  const cursor = Application.find({ filedAt: trusted({ $ne: null }) }, { filedAt: 1, history: 1 }).lean<Array<{ filedAt: Date; history?: Array<{ to: string; at: Date; action: string }> }>>().cursor({ batchSize: 500 });
  for await (const app of cursor) {
    const month = new Date(app.filedAt).toISOString().slice(0, 7);
    byMonth[month] = (byMonth[month] ?? 0) + 1;
    const decision = (app.history ?? []).find((h) => DECISIONS.has(h.to) && h.action !== 'import');
    if (decision) days.push((new Date(decision.at).getTime() - new Date(app.filedAt).getTime()) / 86_400_000);
  }
  const med = median(days);
  return {
    total: Object.values(byStatus).reduce((a, b) => a + b, 0),
    byStatus,
    byType,
    byCraft,
    byRegion,
    byMonth: Object.fromEntries(Object.entries(byMonth).sort(([a], [b]) => a.localeCompare(b))),
    medianDaysToDecision: med === null ? null : Math.round(med * 10) / 10,
    decisions: days.length,
  };
}
