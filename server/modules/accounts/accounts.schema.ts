/**
 * Request and response shapes of the accounts API. Objects are strict: an unknown field, or an
 * operator object like {"$gt": ""} where a string belongs, is a 400 before any query runs.
 */
import { z } from 'zod';
import '../../lib/openapi.js'; // adds .openapi() to zod
import { CRAFTS, REGIONS } from '../reference/reference.data.js';
import { PASSWORD_MAX, PASSWORD_MIN, passwordProblem } from './password.js';
import { LOCALES, ROLES } from './user.model.js';

export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email({ message: 'must be an email address' }));
const passwordSchema = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);
const fullNameSchema = z.string().trim().min(1, 'is required').max(200);
const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{6,24}$/, 'must be a phone number (digits, spaces, +, -, parentheses)');
const localeSchema = z.enum(LOCALES);
const craftSchema = z.enum(CRAFTS);
const regionSchema = z.enum(REGIONS);

export const memberSchema = z.strictObject({
  fullName: fullNameSchema,
  craft: craftSchema.optional(),
  region: regionSchema.optional(),
  phone: phoneSchema.optional(),
});

const cooperativeInput = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(300).describe('Legal name'),
  registrationNumber: z.string().trim().min(1, 'is required').max(100),
  members: z.array(memberSchema).max(2000).optional(),
});

/** The password must not be, or contain, the email: checked where both are known. */
function refinePassword(value: { email: string; password: string }, ctx: z.RefinementCtx) {
  const problem = passwordProblem(value.password, value.email);
  if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
}

export const registerBody = z
  .strictObject({
    email: emailSchema,
    password: passwordSchema,
    fullName: fullNameSchema,
    phone: phoneSchema.optional(),
    locale: localeSchema.optional(),
    accountType: z.enum(['artisan', 'cooperative']),
    craft: craftSchema.optional(),
    region: regionSchema.optional(),
    cooperative: cooperativeInput.optional(),
  })
  .superRefine((value, ctx) => {
    refinePassword(value, ctx);
    if (value.accountType === 'cooperative' && !value.cooperative) {
      ctx.addIssue({ code: 'custom', path: ['cooperative'], message: 'is required for a cooperative' });
    }
    if (value.accountType === 'artisan' && value.cooperative) {
      ctx.addIssue({ code: 'custom', path: ['cooperative'], message: 'is only for cooperative accounts' });
    }
  })
  .openapi('RegisterRequest');
export type RegisterInput = z.infer<typeof registerBody>;

export const loginBody = z
  .strictObject({ email: emailSchema, password: z.string().min(1, 'is required').max(PASSWORD_MAX) })
  .openapi('LoginRequest');

export const createStaffBody = z
  .strictObject({
    email: emailSchema,
    password: passwordSchema,
    fullName: fullNameSchema,
    role: z.enum(['examiner', 'admin']),
    locale: localeSchema.optional(),
    phone: phoneSchema.optional(),
  })
  .superRefine(refinePassword)
  .openapi('CreateStaffRequest');
export type CreateStaffInput = z.infer<typeof createStaffBody>;

/** null clears an optional field. */
export const updateProfileBody = z
  .strictObject({
    fullName: fullNameSchema.optional(),
    phone: phoneSchema.nullable().optional(),
    locale: localeSchema.optional(),
    craft: craftSchema.nullable().optional(),
    region: regionSchema.nullable().optional(),
    cooperative: cooperativeInput.partial().optional(),
  })
  .openapi('UpdateProfileRequest');
export type UpdateProfileInput = z.infer<typeof updateProfileBody>;

export const changePasswordBody = z
  .strictObject({ currentPassword: z.string().min(1).max(PASSWORD_MAX), newPassword: passwordSchema })
  .openapi('ChangePasswordRequest');

export const createTokenBody = z.strictObject({ name: z.string().trim().min(1, 'is required').max(100) }).openapi('CreateTokenRequest');
export const tokenIdParams = z.object({ id: z.string() });

export const userListQuery = z.strictObject({
  role: z.enum(ROLES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    fullName: z.string(),
    role: z.enum(ROLES),
    locale: localeSchema,
    phone: z.string().optional(),
    craft: z.string().optional(),
    region: z.string().optional(),
    cooperative: z
      .object({ name: z.string(), registrationNumber: z.string(), members: z.array(memberSchema) })
      .optional(),
    createdAt: z.string().optional(),
  })
  .openapi('User');

export const userResponse = z.object({ user: userSchema, csrfToken: z.string().optional() });
export const csrfResponse = z.object({ csrfToken: z.string() }).openapi('CsrfToken');
export const tokenSchema = z
  .object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() })
  .openapi('ApiToken');
export const createdTokenResponse = z.object({ token: z.string(), id: z.string(), name: z.string(), prefix: z.string() });
