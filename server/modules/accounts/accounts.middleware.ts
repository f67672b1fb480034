/**
 * Authorization helpers for every module. Who is signed in is on `req.user` (set by the session
 * or a bearer token, see authentication.ts). Another user's record answers 404, never 403, so
 * its existence is not revealed.
 */
import type { Request, RequestHandler } from 'express';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../lib/errors.js';
import type { AuthUser } from './accounts.presenter.js';
import type { Role } from './user.model.js';

export type { AuthUser } from './accounts.presenter.js';
export type { Role, Locale } from './user.model.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // Passport types req.user as Express.User; this makes it our identity everywhere.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends AuthUser {}
  }
}

export const STAFF_ROLES: readonly Role[] = ['examiner', 'admin'];

export function isStaff(user: Express.User | undefined): boolean {
  return !!user && STAFF_ROLES.includes(user.role);
}

/** The signed-in user, or a 401. For use inside handlers after requireUser, or on its own. */
export function currentUser(req: Request): Express.User {
  if (!req.user) throw new UnauthenticatedError();
  return req.user;
}

/** 401 unless someone is signed in. */
export const requireUser: RequestHandler = (req, _res, next) => {
  if (!req.user) throw new UnauthenticatedError();
  next();
};

/** 401 when nobody is signed in, 403 when the user's role is not one of `roles`. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) throw new UnauthenticatedError();
    if (!roles.includes(req.user.role)) throw new ForbiddenError();
    next();
  };
}

export interface SeeOptions {
  /** Examiners and admins may see it too (e.g. an unpublished filing under examination). */
  staff?: boolean;
}

/** Whether `user` may see a record owned by `ownerId` (an ObjectId or its string). */
export function canSee(ownerId: unknown, user: Express.User | undefined, options: SeeOptions = {}): boolean {
  if (!user) return false;
  if (options.staff && isStaff(user)) return true;
  return ownerId != null && String(ownerId) === user.id;
}

/**
 * Returns the record when `user` may see it; otherwise throws NotFoundError (404), exactly as if
 * it did not exist. `record.ownerId` is compared with the user's id.
 */
export function ownedOrNotFound<T extends { ownerId?: unknown }>(
  record: T | null | undefined,
  user: Express.User | undefined,
  options: SeeOptions = {},
): T {
  if (!record || !canSee(record.ownerId, user, options)) throw new NotFoundError();
  return record;
}
