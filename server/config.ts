/**
 * The only reader of process.env. Every variable is parsed by one zod schema at start; a bad
 * value stops the process with a message naming each bad variable and why. Every variable is
 * listed, with a comment, in .env.example.
 */
import path from 'node:path';
import { z } from 'zod';

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const days = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a number of days' })
    .min(0, 'must be 0 or more days')
    .default(fallback);

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce
      .number({ message: 'PORT must be 1-65535' })
      .int('must be 1-65535')
      .min(1, 'must be 1-65535')
      .max(65535, 'must be 1-65535')
      .default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    UPLOADS_DIR: z.string().min(1).default('./uploads'),
    MEDIA_STORE: z.enum(['local', 'gridfs']).default('local'),
    PUBLIC_URL: z.url({ message: 'must be an absolute URL' }).optional(),
    ADMIN_EMAIL: z.email({ message: 'must be an email address' }).optional(),
    ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    TRUST_PROXY: z.string().default('false'),
    SESSION_IDLE_MINUTES: z.coerce.number().positive('must be positive').default(60),
    SESSION_ABSOLUTE_HOURS: z.coerce.number().positive('must be positive').default(12),
    CORRECTION_PERIOD_DAYS: days(90),
    OPPOSITION_PERIOD_DAYS: days(60),
    SIGNING_KEY: z.string().min(1).optional(),
    SMTP_URL: z.string().min(1).optional(),
    MAIL_FROM: z.string().min(3).default('Naqsh <no-reply@naqsh.localhost>'),
    MAX_OPEN_DRAFTS: z.coerce.number().int().min(1, 'must be at least 1').default(20),
    MAX_MEDIA_MB: z.coerce.number().positive('must be positive').default(200),
    JOBS_INTERVAL_SECONDS: z.coerce.number().min(0, 'must be 0 (off) or more').default(60),
    SERVE_CLIENT: booleanish.default(true),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message: 'is required in production (at least 32 random characters)',
      });
    }
    if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'],
        message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default); throws ConfigError naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const message = issue.message.startsWith(name) ? issue.message.slice(name.length + 1) : issue.message;
        return `${name} ${message}`;
      }),
    );
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  return {
    env: env.NODE_ENV,
    production,
    test: env.NODE_ENV === 'test',
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    mongodbUri: env.MONGODB_URI,
    dataDir: path.resolve(env.DATA_DIR),
    uploadsDir: path.resolve(env.UPLOADS_DIR),
    mediaStore: env.MEDIA_STORE,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    admin:
      env.ADMIN_EMAIL && env.ADMIN_PASSWORD
        ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }
        : undefined,
    // A fixed development secret keeps sessions across restarts in development; production refuses it above.
    sessionSecret: env.SESSION_SECRET ?? 'naqsh-development-secret-do-not-use-in-production',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    sessionIdleMs: env.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: env.SESSION_ABSOLUTE_HOURS * 3_600_000,
    correctionPeriodDays: env.CORRECTION_PERIOD_DAYS,
    oppositionPeriodDays: env.OPPOSITION_PERIOD_DAYS,
    signingKey: env.SIGNING_KEY,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    maxOpenDrafts: env.MAX_OPEN_DRAFTS,
    maxMediaBytes: Math.round(env.MAX_MEDIA_MB * 1024 * 1024),
    jobsIntervalMs: env.JOBS_INTERVAL_SECONDS * 1000,
    serveClient: env.SERVE_CLIENT,
  };
}

/** `TRUST_PROXY` as Express understands it: false, true, a hop count, or a list of addresses. */
function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

export type Config = ReturnType<typeof loadConfig>;
