/** Request and response schemas of the public registry, prior art and the registry's admin routes. */
import { z } from 'zod';
import { CRAFTS, PROTECTION_TYPES, REGIONS } from '../reference/reference.data.js';
import { PUBLIC } from '../search/search.service.js';

const multilingual = z.object({ ar: z.string().optional(), fr: z.string().optional(), en: z.string().optional(), zgh: z.string().optional() });

export const filtersSchema = z.object({
  craft: z.enum(CRAFTS).optional(),
  region: z.enum(REGIONS).optional(),
  protectionType: z.enum(PROTECTION_TYPES).optional(),
  status: z.enum(PUBLIC as [string, ...string[]]).optional().describe('one of the public states'),
});

/** Opaque page cursor: the offset of the next page in the ranked list. */
export const cursorSchema = z
  .string()
  .max(40)
  .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor from this API')
  .transform((c, ctx) => {
    const n = Number(Buffer.from(c, 'base64url').toString('utf8').replace(/^o:/, ''));
    if (!Number.isInteger(n) || n < 0 || n > 10_000) {
      ctx.addIssue({ code: 'custom', message: 'is not a cursor from this API' });
      return z.NEVER;
    }
    return n;
  });
export const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');

export const searchQuery = filtersSchema.extend({
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: cursorSchema.optional(),
});
export type SearchQuery = z.infer<typeof searchQuery>;

export const suggestQuery = z.object({ q: z.string().max(100).default('') });

const fraction = z.coerce.number().min(0).max(1);
export const imageSearchFields = filtersSchema.extend({
  x: fraction.optional(),
  y: fraction.optional(),
  w: fraction.optional(),
  h: fraction.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const numberParams = z.object({ number: z.string().trim().min(1).max(40) });
export const verifyParams = z.object({ registrationNumber: z.string().trim().min(1).max(40) });
export const verifyQuery = z.object({ sig: z.string().max(200).default('') });

export const oppositionBody = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  email: z.string().trim().toLowerCase().max(254).pipe(z.email({ message: 'must be an email address' })),
  grounds: z.string().trim().min(10, 'must say why, in at least 10 characters').max(10_000),
  /** Honeypot: a field people never see; bots fill it. */
  website: z.string().max(500).optional(),
});

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, 'must be an ISO 8601 date').transform((s) => new Date(s));
export const gazetteQuery = z.object({ from: isoDate.optional(), to: isoDate.optional() });

export const hitOut = z
  .object({
    registrationNumber: z.string().optional(),
    applicationNumber: z.string().optional(),
    title: multilingual,
    protectionType: z.string(),
    craft: z.string(),
    region: z.string(),
    status: z.string(),
    thumbUrl: z.string().optional(),
    score: z.number(),
  })
  .openapi('RegistryHit');
export const searchOut = z.object({ items: z.array(hitOut), total: z.number(), nextCursor: z.string().optional() });
export const imageHitOut = z
  .object({
    registrationNumber: z.string().optional(),
    applicationNumber: z.string().optional(),
    title: multilingual,
    protectionType: z.string(),
    craft: z.string(),
    region: z.string(),
    status: z.string(),
    thumbUrl: z.string().optional(),
    similarity: z.number().min(0).max(1),
  })
  .openapi('RegistryImageHit');

const imageOut = z.object({ id: z.string(), width: z.number(), height: z.number(), urls: z.object({ thumb: z.string(), display: z.string() }) });
export const publicRecordOut = z
  .object({
    registrationNumber: z.string().optional(),
    applicationNumber: z.string().optional(),
    protectionType: z.string(),
    status: z.string(),
    title: multilingual,
    description: multilingual.optional(),
    craft: z.string(),
    region: z.string(),
    community: z.string().optional(),
    techniques: z.array(z.string()).optional(),
    materials: z.array(z.string()).optional(),
    locarnoClass: z.string().optional(),
    niceClasses: z.array(z.number()).optional(),
    tkLabel: z.string().optional(),
    sensitive: z.boolean().optional(),
    owner: z.object({ fullName: z.string() }).describe("the holder's public name only"),
    images: z.array(imageOut),
    filedAt: z.string().optional(),
    publishedAt: z.string().optional(),
    oppositionEndsAt: z.string().optional(),
    registeredAt: z.string().optional(),
    expiresAt: z.string().optional(),
  })
  .openapi('PublicRecord');

export const importRecord = z.object({
  protectionType: z.enum(PROTECTION_TYPES),
  title: multilingual.refine((t) => Boolean(t.ar || t.fr), { message: 'needs an Arabic or French title' }),
  description: multilingual.optional(),
  craft: z.enum(CRAFTS),
  region: z.enum(REGIONS),
  community: z.string().max(200).optional(),
  holder: z.string().max(200).optional().describe("the holder's public name (defaults to the community)"),
  registrationNumber: z.string().trim().min(1).max(40).optional(),
  applicationNumber: z.string().trim().min(1).max(40).optional(),
  registeredAt: isoDate.optional(),
  publishedAt: isoDate.optional(),
  filedAt: isoDate.optional(),
  status: z.enum(['registered', 'published']),
  sensitive: z.boolean().optional(),
  images: z.array(z.string().max(200)).max(20).default([]),
});
export type ImportRecord = z.infer<typeof importRecord>;

export const importOut = z.object({
  imported: z.number(),
  failed: z.array(z.object({ index: z.number(), error: z.string() })),
  records: z.array(z.object({ index: z.number(), id: z.string(), registrationNumber: z.string().optional(), applicationNumber: z.string().optional() })),
});

export const similarOut = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      registrationNumber: z.string().optional(),
      applicationNumber: z.string().optional(),
      title: multilingual,
      status: z.string(),
      thumbUrl: z.string().optional(),
      similarity: z.number(),
      matchedBy: z.enum(['image', 'text']),
      matched: z.array(z.string()).describe('what matched: title, description or labels words; or image region'),
    }),
  ),
});
