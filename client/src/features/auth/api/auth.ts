/** Sign-in and sign-up calls (API.md, Accounts), with the schemas their forms validate against. */
import { z } from 'zod';
import { api } from '../../../lib/api-client';
import type { User } from '../../../lib/auth';

/** Mirrors the server's rules (accounts.schema.ts) so a form says what is wrong before sending. */
export const PASSWORD_MIN = 10;
const email = z.string().trim().toLowerCase().pipe(z.email());

export const loginInputSchema = z.object({ email, password: z.string().min(1) });
export type LoginInput = z.infer<typeof loginInputSchema>;

export const registerInputSchema = z
  .object({
    email,
    password: z.string().min(PASSWORD_MIN).max(256),
    fullName: z.string().trim().min(1).max(200),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{6,24}$/)
      .optional(),
    locale: z.enum(['ar', 'fr', 'en']).optional(),
    accountType: z.enum(['artisan', 'cooperative']),
    craft: z.string().optional(),
    region: z.string().optional(),
    cooperative: z.object({ name: z.string().trim().min(1).max(300), registrationNumber: z.string().trim().min(1).max(100) }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.email && v.password.toLowerCase().includes(v.email)) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'contains the email', params: { key: 'signup.passwordHasEmail' } });
    }
  });
export type RegisterInput = z.infer<typeof registerInputSchema>;

interface SessionAnswer {
  user: User;
  csrfToken?: string;
}

export const login = (input: LoginInput) => api.post<SessionAnswer>('/auth/login', input);
export const register = (input: RegisterInput) => api.post<SessionAnswer>('/auth/register', input);
