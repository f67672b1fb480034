/**
 * Who is calling: a session cookie (express-session, sessions in MongoDB through connect-mongo)
 * or a bearer token, both through passport, plus the CSRF double-submit check (csrf-csrf).
 *
 * - A request with `Authorization: Bearer` is authenticated by its token alone: the session
 *   middleware does not run for it, so a cookie sent alongside has no effect, and it needs no
 *   CSRF token. A bad token is a 401 at once (no fallback to the cookie).
 * - Sessions: HttpOnly, SameSite=Lax cookie (`__Host-naqsh.sid`, Secure, in production), rolling
 *   idle timeout (the cookie's and the store's expiry move with each request) and an absolute
 *   timeout counted from sign-in (`loginAt` in the session).
 * - CSRF tokens are bound to the session id, so a new session (sign-in, sign-out) needs a new
 *   token: login and register return one, and GET /auth/csrf always gives the current one.
 */
import cookieParser from 'cookie-parser';
import MongoStore from 'connect-mongo';
import { createHmac } from 'node:crypto';
import { doubleCsrf } from 'csrf-csrf';
import express, { type Request, type RequestHandler, type Response } from 'express';
import session from 'express-session';
import mongoose from 'mongoose';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Config } from '../../config.js';
import { AppError, UnauthenticatedError } from '../../lib/errors.js';
import type { AuthUser } from './accounts.presenter.js';
import { toAuthUser } from './accounts.presenter.js';
import { findAuthUser, verifyLogin } from './accounts.service.js';
import { authenticateToken } from './api-tokens.service.js';
import type { UserDoc } from './user.model.js';

declare module 'express-session' {
  interface SessionData {
    /** When the user signed in (ms since the epoch), for the absolute timeout. */
    loginAt?: number;
    /** Set when a CSRF token is issued to a visitor, so the session (and the token's binding) persists. */
    csrfIssuedAt?: number;
  }
}

export type SessionCookieNames = { session: string; csrf: string };

export function cookieNames(config: Pick<Config, 'production'>): SessionCookieNames {
  // __Host- cookies must be Secure, path=/ and without Domain: only possible over HTTPS.
  return config.production
    ? { session: '__Host-naqsh.sid', csrf: '__Host-naqsh.csrf' }
    : { session: 'naqsh.sid', csrf: 'naqsh.csrf' };
}

const BEARER = /^Bearer\s+(\S+)$/i;

export function isBearerRequest(req: Request): boolean {
  return /^Bearer\s/i.test(req.headers.authorization ?? '');
}

/** Paths that start a session: a forged sign-in (login CSRF) is refused even without a cookie. */
const SIGN_IN_PATHS = new Set(['/auth/login', '/auth/register']);
/** The only paths where a visitor without a session cookie gets one (the CSRF token is bound to it). */
const SESSION_START_PATHS = new Set([...SIGN_IN_PATHS, '/auth/csrf']);

/** The path as the router matches it: case-insensitive, trailing slash optional. */
function routePath(req: Request): string {
  return req.path.toLowerCase().replace(/\/+$/, '');
}

export interface Authentication {
  /** Mount before the API (and /media): parses cookies, restores the session or checks the token. */
  authenticate: express.Router;
  /** Mount on the API router, before any module: unsafe methods with a session need X-CSRF-Token. */
  csrfProtection: RequestHandler;
  /** A CSRF token bound to the current session (a new one when `fresh`), also set as a cookie. */
  issueCsrfToken(req: Request, res: Response, fresh?: boolean): string;
  /** Checks email and password (passport-local) and starts a new session for the user. */
  logIn(req: Request, res: Response): Promise<AuthUser>;
  /** Starts a new session for a user who just signed up. */
  startSession(req: Request, user: AuthUser): Promise<void>;
  /** Ends the session and clears its cookie. */
  logOut(req: Request, res: Response): Promise<void>;
  cookieNames: SessionCookieNames;
}

export function createAuthentication(config: Config): Authentication {
  const names = cookieNames(config);
  const authenticator = new passport.Passport();

  authenticator.use(
    new LocalStrategy(
      { usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false },
      (req, email, password, done) => {
        verifyLogin({ email, password, ip: req.ip }).then((user: UserDoc) => done(null, toAuthUser(user)), done);
      },
    ),
  );
  authenticator.use('bearer', {
    name: 'bearer',
    authenticate(req: Request) {
      const token = BEARER.exec(req.headers.authorization ?? '')?.[1] ?? '';
      authenticateToken(token).then(
        (user) => (user ? this.success(user) : this.fail(401)),
        (err: unknown) => this.error(err),
      );
    },
  } as passport.Strategy);
  authenticator.serializeUser((user, done) => done(null, user.id));
  authenticator.deserializeUser((id: string, done) => {
    findAuthUser(id).then((user) => done(null, user ?? false), done);
  });

  // The store is made on first use: apps may be built before mongoose has connected (tests).
  let sessionMiddleware: RequestHandler | undefined;
  const sessions: RequestHandler = (req, res, next) => {
    sessionMiddleware ??= session({
      name: names.session,
      secret: config.sessionSecret,
      store: createSessionStore(config),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      unset: 'destroy',
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.production, path: '/', maxAge: config.sessionIdleMs },
    });
    sessionMiddleware(req, res, next);
  };

  // Past the absolute lifetime, the session is replaced by an empty one: the user is signed out.
  const absoluteTimeout: RequestHandler = (req, _res, next) => {
    const loginAt = req.session?.loginAt;
    if (!req.user || (loginAt && Date.now() - loginAt <= config.sessionAbsoluteMs)) return next();
    req.user = undefined;
    req.session.regenerate((err) => next(err));
  };

  const bearer: RequestHandler = (req, res, next) => {
    authenticator.authenticate('bearer', { session: false }, (err: unknown, user: AuthUser | false) => {
      if (err) return next(err);
      if (!user) return next(new UnauthenticatedError('The bearer token is not valid.'));
      req.user = user;
      next();
    })(req, res, next);
  };

  const authenticate = express.Router();
  authenticate.use(cookieParser());
  // passport's per-request setup (req.logIn, req.isAuthenticated…) only where someone may be signed in.
  const initialize = authenticator.initialize();
  const bearerChain = [initialize, bearer];
  const sessionChain = [initialize, sessions, authenticator.session(), absoluteTimeout];
  authenticate.use((req, res, next) => {
    if (isBearerRequest(req)) return runChain(bearerChain, req, res, next);
    // Without a session cookie there is no session to read, and an anonymous request must not make
    // one (a random id, a hash of it and a hook on the response, on every public GET): it stays
    // anonymous (req.user and req.session undefined), except where a session is started.
    const hasCookie = names.session in (req.cookies as Record<string, string>);
    if (!hasCookie && !SESSION_START_PATHS.has(routePath(req))) return next();
    runChain(sessionChain, req, res, next);
  });

  const csrfSecret = createHmac('sha256', config.sessionSecret).update('naqsh csrf').digest('hex');
  const csrf = doubleCsrf({
    getSecret: () => csrfSecret,
    getSessionIdentifier: (req) => req.sessionID ?? '',
    cookieName: names.csrf,
    cookieOptions: { httpOnly: true, sameSite: 'strict', secure: config.production, path: '/' },
    getCsrfTokenFromRequest: (req) => req.get('x-csrf-token'),
    skipCsrfProtection: (req) =>
      isBearerRequest(req) || (!(names.session in (req.cookies ?? {})) && !SIGN_IN_PATHS.has(routePath(req))),
  });

  const csrfProtection: RequestHandler = (req, res, next) => {
    csrf.doubleCsrfProtection(req, res, (err?: unknown) => {
      if (err) {
        return next(
          new AppError(403, 'csrf_failed', 'The X-CSRF-Token header is missing or wrong; get one from GET /api/v1/auth/csrf.'),
        );
      }
      next();
    });
  };

  const issueCsrfToken = (req: Request, res: Response, fresh = false) => {
    // Touching the session makes it persist, so the token's binding to its id holds.
    if (req.session && !req.session.csrfIssuedAt) req.session.csrfIssuedAt = Date.now();
    return csrf.generateCsrfToken(req, res, { overwrite: fresh });
  };

  const startSession = (req: Request, user: AuthUser) =>
    new Promise<void>((resolve, reject) => {
      // passport regenerates the session id here (no session fixation) before storing the user.
      req.logIn(user, (err) => {
        if (err) return reject(err as Error);
        req.session.loginAt = Date.now();
        resolve();
      });
    });

  const logIn = (req: Request, res: Response) =>
    new Promise<AuthUser>((resolve, reject) => {
      authenticator.authenticate('local', { session: false }, (err: unknown, user: AuthUser | false) => {
        if (err) return reject(err);
        if (!user) return reject(new UnauthenticatedError('The email or password is wrong.'));
        startSession(req, user).then(() => resolve(user), reject);
      })(req, res, reject);
    });

  const logOut = (req: Request, res: Response) =>
    new Promise<void>((resolve, reject) => {
      if (!req.session) return resolve(); // a bearer request has no session to end
      req.logOut((err) => {
        if (err) return reject(err as Error);
        // The regenerated, empty session is not stored; drop both cookies.
        res.clearCookie(names.session, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.production });
        res.clearCookie(names.csrf, { path: '/', httpOnly: true, sameSite: 'strict', secure: config.production });
        req.session.destroy(() => resolve());
      });
    });

  return { authenticate, csrfProtection, issueCsrfToken, logIn, startSession, logOut, cookieNames: names };
}

/** How often (s) an unchanged session's stored expiry is moved: 1/60 of the idle lifetime, at most a minute. */
export function touchAfterSeconds(idleMs: number): number {
  return Math.min(60, Math.floor(idleMs / 60_000));
}

function createSessionStore(config: Config): MongoStore {
  const store = MongoStore.create({
    client: mongoose.connection.getClient(),
    dbName: mongoose.connection.db!.databaseName,
    collectionName: 'sessions',
    stringify: false,
    ttl: Math.ceil(config.sessionIdleMs / 1000),
    autoRemove: 'native', // a TTL index on `expires`
    // The rolling idle timeout would otherwise cost a durable write on every request of every
    // visitor with a session (the store's expiry moved each time): move it at most once per
    // 1/60 of the idle lifetime (a minute for an hour). The cookie still rolls on every answer;
    // the stored expiry lags by that much at most, so a session may end that much early.
    touchAfter: touchAfterSeconds(config.sessionIdleMs),
  });
  // The TTL index is built in the background; if the app stops before it is done, that must not
  // crash the process as an unhandled rejection. Requests awaiting the store still see the error.
  (store as unknown as { collectionP: Promise<unknown> }).collectionP.catch(() => undefined);
  return store;
}

function runChain(chain: RequestHandler[], req: Request, res: Response, done: (err?: unknown) => void) {
  const step = (i: number) => (err?: unknown) => {
    if (err || i === chain.length) return done(err);
    try {
      void chain[i]!(req, res, step(i + 1));
    } catch (e) {
      done(e);
    }
  };
  step(0)();
}
