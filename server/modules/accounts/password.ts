/**
 * Password hashing (argon2id with the OWASP minimum: 19 MiB, 2 passes, 1 lane) and the password
 * rules. @node-rs/argon2 ships prebuilt binaries, so installing needs no compiler.
 */
import { hash, verify, type Algorithm } from '@node-rs/argon2';

const ARGON2ID = 2 as Algorithm; // Algorithm.Argon2id; a const enum cannot be read under isolatedModules
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash never signs anyone in
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * Spends the time of a real verification for an unknown email, so the answer time does not tell
 * whether an account exists. Always false.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('naqsh-dummy-password-for-unknown-accounts');
  await verifyPassword(await dummyHash, password);
  return false;
}

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, email: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  const p = password.toLowerCase();
  const e = email.trim().toLowerCase();
  const local = e.split('@')[0] ?? '';
  if (e && p.includes(e)) return 'must not contain the email address';
  if (local.length >= 3 && p === local) return 'must not be the name of the email address';
  return undefined;
}
