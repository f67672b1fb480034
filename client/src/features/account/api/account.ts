/** The signed-in user's profile; a cooperative keeps here the members allowed to use its marks. */
import { z } from 'zod';
import { api } from '../../../lib/api-client';
import type { User } from '../../../lib/auth';

export const memberInputSchema = z.object({
  fullName: z.string().trim().min(1).max(200),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{6,24}$/)
    .optional(),
  craft: z.string().optional(),
  region: z.string().optional(),
});
export type MemberInput = z.infer<typeof memberInputSchema>;

export const updateMembers = (members: MemberInput[]) => api.patch<{ user: User }>('/auth/me', { cooperative: { members } }).then((r) => r.user);
