/**
 * What leaves the server about an account: never the password hash, a token or its hash, the
 * session, `__v` or who created the account.
 */
import type { Locale, Role, UserDoc } from './user.model.js';
import type { ApiTokenFields } from './api-token.model.js';

/** The signed-in user as every module sees it on `req.user`. */
export interface AuthUser {
  id: string;
  email: string;
  fullName: string;
  role: Role;
  locale: Locale;
}

export function toAuthUser(user: UserDoc): AuthUser {
  return {
    id: user.id as string,
    email: user.email,
    fullName: user.fullName,
    role: user.role,
    locale: (user.locale ?? 'fr') as Locale,
  };
}

/** The owner's (or an admin's) view: identity plus the non-sensitive profile. */
export function presentUser(user: UserDoc) {
  const coop = user.cooperative;
  return {
    ...toAuthUser(user),
    ...(user.phone ? { phone: user.phone } : {}),
    ...(user.craft ? { craft: user.craft } : {}),
    ...(user.region ? { region: user.region } : {}),
    ...(coop
      ? {
          cooperative: {
            name: coop.name,
            registrationNumber: coop.registrationNumber,
            members: (coop.members ?? []).map((m) => ({
              fullName: m.fullName,
              ...(m.craft ? { craft: m.craft } : {}),
              ...(m.region ? { region: m.region } : {}),
              ...(m.phone ? { phone: m.phone } : {}),
            })),
          },
        }
      : {}),
    ...(user.createdAt ? { createdAt: user.createdAt.toISOString() } : {}),
  };
}

export function presentToken(token: ApiTokenFields & { _id: unknown }) {
  return {
    id: String(token._id),
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt ? token.lastUsedAt.toISOString() : null,
  };
}
