/**
 * Accounts: sign-up, sign-in checks, staff accounts, profiles and the first admin. Services never
 * see req/res; the routes pass what they parsed.
 */
import mongoose from 'mongoose';
import type { Config } from '../../config.js';
import { ConflictError, NotFoundError, RateLimitError, UnauthenticatedError, ValidationError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { CreateStaffInput, RegisterInput, UpdateProfileInput } from './accounts.schema.js';
import { toAuthUser, type AuthUser } from './accounts.presenter.js';
import { accountKey, addressKey, clearFailures, lockRemainingMs, recordFailure } from './login-throttle.js';
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from './password.js';
import { User, type Locale, type Role, type UserDoc } from './user.model.js';

const BAD_PAIR = 'The email or password is wrong.';

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

async function insertUser(fields: Record<string, unknown>): Promise<UserDoc> {
  try {
    return await User.create(fields);
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError('An account with this email already exists.');
    throw err;
  }
}

/** Self sign-up: artisans and cooperatives only (the schema refuses other account types). */
export async function register(input: RegisterInput): Promise<UserDoc> {
  // Checked before hashing too, so a taken email costs no hash; the unique index settles races.
  if (await User.exists({ email: input.email })) throw new ConflictError('An account with this email already exists.');
  return insertUser({
    email: input.email,
    passwordHash: await hashPassword(input.password),
    role: input.accountType,
    fullName: input.fullName,
    phone: input.phone,
    locale: input.locale ?? 'fr',
    craft: input.craft,
    region: input.region,
    cooperative: input.cooperative ? { ...input.cooperative, members: input.cooperative.members ?? [] } : undefined,
  });
}

export interface StaffProps extends CreateStaffInput {
  /** The admin creating the account; absent for the first admin from the configuration. */
  createdBy?: string;
}

/** Examiners and admins: created by an admin (or at start for the first admin), never by sign-up. */
export async function createStaff(props: StaffProps): Promise<UserDoc> {
  const email = props.email.trim().toLowerCase();
  const problem = passwordProblem(props.password, email);
  if (problem) throw new ValidationError('The password is not acceptable.', [{ path: 'password', message: problem }]);
  if (await User.exists({ email })) throw new ConflictError('An account with this email already exists.');
  return insertUser({
    email,
    passwordHash: await hashPassword(props.password),
    role: props.role,
    fullName: props.fullName,
    phone: props.phone,
    locale: props.locale ?? 'fr',
    createdBy: props.createdBy,
  });
}

export interface LoginAttempt {
  email: string;
  password: string;
  /** The client address (Express's req.ip, which honours TRUST_PROXY). */
  ip: string | undefined;
  now?: Date;
}

/**
 * Checks an email and password under the sign-in limits. A wrong password and an unknown email
 * give the same error after the same work; a locked account or address gives 429 even with the
 * right password.
 */
export async function verifyLogin({ email, password, ip, now = new Date() }: LoginAttempt): Promise<UserDoc> {
  const normalised = email.trim().toLowerCase();
  const account = accountKey(normalised);
  const address = addressKey(ip);
  const lockedMs = await lockRemainingMs([account, address], now);
  if (lockedMs > 0) throw new RateLimitError(lockedMs / 1000, 'Too many failed sign-ins; try again later.');

  const user = await User.findOne({ email: normalised }).select('+passwordHash');
  const ok = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
  if (!user || !ok) {
    await Promise.all([recordFailure(account, now), recordFailure(address, now)]);
    throw new UnauthenticatedError(BAD_PAIR);
  }
  await clearFailures(account);
  await User.updateOne({ _id: user._id }, { $set: { lastLoginAt: now } });
  return user;
}

/** The signed-in identity for a session or a token, or undefined when the account is gone. */
export async function findAuthUser(id: string): Promise<AuthUser | undefined> {
  if (!mongoose.isValidObjectId(id)) return undefined;
  const user = await User.findById(id);
  return user ? toAuthUser(user) : undefined;
}

export async function getUser(id: string): Promise<UserDoc> {
  const user = mongoose.isValidObjectId(id) ? await User.findById(id) : null;
  if (!user) throw new NotFoundError('No such account.');
  return user;
}

export async function updateProfile(id: string, input: UpdateProfileInput): Promise<UserDoc> {
  const user = await getUser(id);
  if (input.fullName !== undefined) user.fullName = input.fullName;
  if (input.locale !== undefined) user.locale = input.locale;
  if (input.phone !== undefined) user.phone = input.phone ?? undefined;
  if (input.craft !== undefined) user.craft = input.craft ?? undefined;
  if (input.region !== undefined) user.region = input.region ?? undefined;
  if (input.cooperative) {
    if (user.role !== 'cooperative' || !user.cooperative) {
      throw new ValidationError('Only a cooperative has cooperative details.', [{ path: 'cooperative', message: 'is only for cooperative accounts' }]);
    }
    const { name, registrationNumber, members } = input.cooperative;
    if (name !== undefined) user.cooperative.name = name;
    if (registrationNumber !== undefined) user.cooperative.registrationNumber = registrationNumber;
    if (members !== undefined) user.set('cooperative.members', members);
  }
  await user.save();
  return user;
}

/** Changes a password after checking the current one. */
export async function changePassword(id: string, currentPassword: string, newPassword: string): Promise<void> {
  const user = await User.findById(id).select('+passwordHash');
  if (!user) throw new NotFoundError('No such account.');
  if (!(await verifyPassword(user.passwordHash, currentPassword))) throw new UnauthenticatedError('The current password is wrong.');
  const problem = passwordProblem(newPassword, user.email);
  if (problem) throw new ValidationError('The password is not acceptable.', [{ path: 'newPassword', message: problem }]);
  user.passwordHash = await hashPassword(newPassword);
  await user.save();
}

export async function listUsers(filter: { role?: Role; limit: number }) {
  const query = filter.role ? { role: filter.role } : {};
  const [items, total] = await Promise.all([User.find(query).sort({ createdAt: -1 }).limit(filter.limit), User.countDocuments(query)]);
  return { items, total };
}

/**
 * Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when no account has that email. An
 * existing account is never overwritten (its password may have been changed since).
 */
export async function ensureFirstAdmin(config: Pick<Config, 'admin'>, logger: Pick<Logger, 'info' | 'warn'>): Promise<{ created: boolean }> {
  if (!config.admin) return { created: false };
  const email = config.admin.email.trim().toLowerCase();
  const existing = await User.findOne({ email });
  if (existing) {
    if (existing.role !== 'admin') logger.warn({ email }, 'ADMIN_EMAIL belongs to an account that is not an admin; left as it is');
    return { created: false };
  }
  try {
    await createStaff({ email, password: config.admin.password, fullName: 'Administrator', role: 'admin', locale: 'fr' as Locale });
  } catch (err) {
    // Another instance starting at the same time created it first.
    if (err instanceof ConflictError) return { created: false };
    throw err;
  }
  logger.info({ email }, 'first admin account created from ADMIN_EMAIL');
  return { created: true };
}
