/** Administration (API.md, Administration): staff accounts, bulk import, statistics, audit check. */
import { z } from 'zod';
import { api, type Page } from '../../../lib/api-client';
import { uploadWithProgress } from '../../../lib/upload';
import type { User } from '../../../lib/auth';

export const createStaffSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  password: z.string().min(10).max(256),
  fullName: z.string().trim().min(1).max(200),
  role: z.enum(['examiner', 'admin']),
});
export type CreateStaffInput = z.infer<typeof createStaffSchema>;

export const listUsers = (role: string | undefined, signal?: AbortSignal) => api.get<Page<User>>('/admin/users', { role, limit: 100 }, signal);
export const createStaff = (input: CreateStaffInput) => api.post<{ user: User }>('/admin/users', input).then((r) => r.user);

export interface ImportRecord {
  images?: string[];
  [key: string]: unknown;
}
export interface ImportResult {
  imported: number;
  failed: Array<{ index: number; error: string }>;
}
export const BATCH_SIZE = 200;

export function importBatch(records: ImportRecord[], images: Map<string, File>, onProgress: (f: number) => void) {
  return uploadWithProgress<ImportResult>(
    '/admin/import',
    () => {
      const form = new FormData();
      form.append('manifest', new Blob([JSON.stringify(records)], { type: 'application/json' }), 'manifest.json');
      for (const name of new Set(records.flatMap((r) => r.images ?? []))) {
        const file = images.get(name);
        if (file) form.append('images', file, name);
      }
      return form;
    },
    onProgress,
  );
}

export type Counts = Array<{ key: string; count: number }>;
export interface Stats {
  byStatus: Counts;
  byType: Counts;
  byCraft: Counts;
  byRegion: Counts;
  byMonth: Counts;
  medianDaysToDecision?: number;
}

/** Accepts counts as {code: n} or as [{code|key|_id|month, count}]: whichever the server sends. */
function counts(value: unknown): Counts {
  if (Array.isArray(value))
    return value.map((v: Record<string, unknown>) => ({
      key: String(v.key ?? v.code ?? v._id ?? v.month ?? v.status ?? v.type ?? v.craft ?? v.region ?? ''),
      count: Number(v.count ?? v.n ?? v.total ?? 0),
    }));
  if (value && typeof value === 'object') return Object.entries(value).map(([key, count]) => ({ key, count: Number(count) }));
  return [];
}

export async function getStats(signal?: AbortSignal): Promise<Stats> {
  const r = await api.get<Record<string, unknown>>('/admin/stats', undefined, signal);
  const pickKey = (...names: string[]) => names.map((n) => r[n]).find((v) => v !== undefined);
  const median = pickKey('medianDaysToDecision', 'medianDaysFromFilingToDecision', 'medianDays');
  return {
    byStatus: counts(pickKey('byStatus', 'status', 'statuses')),
    byType: counts(pickKey('byType', 'byProtectionType', 'protectionType', 'types')),
    byCraft: counts(pickKey('byCraft', 'craft', 'crafts')),
    byRegion: counts(pickKey('byRegion', 'region', 'regions')),
    byMonth: counts(pickKey('byMonth', 'month', 'months')).sort((a, b) => a.key.localeCompare(b.key)),
    medianDaysToDecision: typeof median === 'number' ? median : undefined,
  };
}

export interface AuditCheck {
  valid: boolean;
  events: number;
  firstBrokenAt?: unknown;
}
export const verifyAudit = () => api.get<AuditCheck>('/admin/audit/verify');
export const runJobs = () => api.post<{ moved: number }>('/admin/jobs/run');
