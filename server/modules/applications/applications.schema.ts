/** Request schemas of the applications routes (they also generate the OpenAPI document). */
import { z } from 'zod';
import { CRAFTS, LOCARNO_CLASSES, PROTECTION_TYPES, REGIONS, STATUSES, TK_LABELS } from '../reference/reference.data.js';
import { DOCUMENT_KINDS } from './application.model.js';

const line = (max: number) => z.string().trim().min(1).max(max);

export const multilingualSchema = z
  .object({ ar: line(300).optional(), fr: line(300).optional(), en: line(300).optional(), zgh: line(300).optional() })
  .strict();
const longText = z
  .object({ ar: line(10_000).optional(), fr: line(10_000).optional(), en: line(10_000).optional(), zgh: line(10_000).optional() })
  .strict();

export const titleSchema = multilingualSchema.refine((t) => Boolean(t.ar || t.fr), {
  message: 'A title needs at least Arabic (ar) or French (fr).',
});

export const objectId = z.string().regex(/^[a-f0-9]{24}$/i, 'must be a 24-character hex id');

const editableFields = {
  title: titleSchema,
  description: longText.optional(),
  craft: z.enum(CRAFTS),
  region: z.enum(REGIONS),
  community: line(200).optional(),
  techniques: z.array(line(100)).max(30).optional(),
  materials: z.array(line(100)).max(30).optional(),
  locarnoClass: z.enum(LOCARNO_CLASSES).optional(),
  niceClasses: z
    .array(z.number().int().min(1, 'Nice classes are 1 to 45').max(45, 'Nice classes are 1 to 45'))
    .max(45)
    .refine((list) => new Set(list).size === list.length, 'each Nice class once')
    .optional(),
  priority: z
    .object({
      country: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code'),
      number: line(50),
      date: z.iso.date().or(z.iso.datetime()),
    })
    .strict()
    .optional(),
  tkLabel: z.enum(TK_LABELS).optional(),
  sensitive: z.boolean().optional(),
};

const heritageOnly = (body: { protectionType?: string; tkLabel?: unknown; sensitive?: unknown }, ctx: z.RefinementCtx) => {
  if (body.protectionType === undefined || body.protectionType === 'heritage_inventory') return;
  for (const field of ['tkLabel', 'sensitive'] as const) {
    if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `${field} is only for heritage_inventory entries` });
  }
};

export const createApplicationSchema = z
  .object({ protectionType: z.enum(PROTECTION_TYPES), ...editableFields })
  .strict()
  .superRefine(heritageOnly)
  .openapi('CreateApplication');
export type CreateApplicationInput = z.infer<typeof createApplicationSchema>;

export const patchApplicationSchema = z
  .object(Object.fromEntries(Object.entries(editableFields).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof typeof editableFields]: z.ZodOptional<(typeof editableFields)[K]>;
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'Send at least one field to change.')
  .openapi('PatchApplication');
export type PatchApplicationInput = z.infer<typeof patchApplicationSchema>;

export const listApplicationsQuery = z
  .object({
    status: z.enum(STATUSES).optional(),
    protectionType: z.enum(PROTECTION_TYPES).optional(),
    craft: z.enum(CRAFTS).optional(),
    region: z.enum(REGIONS).optional(),
    assignedTo: objectId.or(z.literal('me')).optional(),
    q: z.string().trim().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: objectId.optional(),
  })
  .strict();
export type ListApplicationsQuery = z.infer<typeof listApplicationsQuery>;

export const applicationIdParams = z.object({ id: objectId });
export const imageParams = z.object({ id: objectId, imageId: objectId });
export const documentParams = z.object({ id: objectId, documentId: objectId });
export const documentKindSchema = z.object({ kind: z.enum(DOCUMENT_KINDS) });

const urls = z.object({ thumb: z.string(), display: z.string() });
export const imageOut = z.object({ id: z.string(), width: z.number(), height: z.number(), sha256: z.string(), urls }).openapi('Image');
export const documentOut = z.object({ id: z.string(), kind: z.enum(DOCUMENT_KINDS), fileName: z.string(), sha256: z.string(), bytes: z.number() }).openapi('Document');
export const applicationOut = z
  .object({
    id: z.string(),
    protectionType: z.enum(PROTECTION_TYPES),
    status: z.enum(STATUSES),
    version: z.number(),
    title: multilingualSchema,
    description: longText.optional(),
    craft: z.enum(CRAFTS),
    region: z.enum(REGIONS),
    owner: z.object({ id: z.string(), fullName: z.string() }),
    images: z.array(imageOut),
    documents: z.array(documentOut),
    history: z.array(z.object({ from: z.string().optional(), to: z.string(), action: z.string(), by: z.string().optional(), at: z.string(), reason: z.string().optional() })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .passthrough()
  .openapi('Application');
