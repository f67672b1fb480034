import { z } from 'zod';
import { CRAFTS, PROTECTION_TYPES, REGIONS, STATUSES } from '../reference/reference.data.js';

const objectId = z.string().regex(/^[0-9a-f]{24}$/i, 'must be an id');

export const queueQuery = z.object({
  /** One status, several (repeated or comma-separated); by default the states awaiting an examiner. */
  status: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter(Boolean))
    .pipe(z.array(z.enum(STATUSES)).min(1))
    .optional(),
  type: z.enum(PROTECTION_TYPES).optional(),
  craft: z.enum(CRAFTS).optional(),
  region: z.enum(REGIONS).optional(),
  /** Only filings at least this many days old (since filing). */
  age: z.coerce.number().min(0).max(36_500).optional(),
  assignedTo: z.union([z.literal('me'), z.literal('none'), objectId]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(/^\d+$/, 'must be a cursor from a previous page').optional(),
});
export type QueueQuery = z.infer<typeof queueQuery>;

export const queueItemOut = z
  .object({
    id: z.string(),
    applicationNumber: z.string().optional(),
    protectionType: z.enum(PROTECTION_TYPES),
    status: z.enum(STATUSES),
    title: z.record(z.string(), z.string()),
    craft: z.string(),
    region: z.string(),
    owner: z.object({ id: z.string(), fullName: z.string() }),
    filedAt: z.string().optional(),
    ageDays: z.number(),
    assignedTo: z.string().optional(),
    correctionDeadline: z.string().optional(),
    oppositionEndsAt: z.string().optional(),
    thumbUrl: z.string().optional(),
  })
  .openapi('QueueItem');

export const queueOut = z.object({
  items: z.array(queueItemOut),
  total: z.number().int(),
  counts: z.object({ byStatus: z.record(z.string(), z.number().int()), byType: z.record(z.string(), z.number().int()) }),
  nextCursor: z.string().optional(),
});

export const idParams = z.object({ id: z.string().min(1) });
export const reassignBody = z.object({ examinerId: objectId }).strict();
export const noteBody = z.object({ text: z.string().trim().min(1).max(10_000) }).strict();
export const noteOut = z.object({ id: z.string(), author: z.object({ id: z.string(), fullName: z.string() }), text: z.string(), createdAt: z.string() }).openapi('ExaminationNote');

export const groundOut = z.object({ code: z.string(), category: z.string(), appliesTo: z.array(z.string()), names: z.object({ ar: z.string(), fr: z.string(), en: z.string() }) });

export const decisionOut = z
  .object({
    action: z.string(),
    from: z.string().optional(),
    to: z.string().optional(),
    at: z.string(),
    reason: z.string().optional(),
    grounds: z.array(z.object({ code: z.string(), label: z.string() })),
    upheld: z.boolean().optional(),
  })
  .openapi('Decision');

export const oppositionOut = z.object({ id: z.string(), name: z.string(), email: z.string(), grounds: z.string(), filedAt: z.string() }).openapi('Opposition');
