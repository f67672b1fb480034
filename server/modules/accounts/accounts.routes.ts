/**
 * /auth/* (sign-up, sign-in, the session, tokens, profile) and /admin/users. Handlers stay short:
 * validate (route()), call the service, present.
 */
import express from 'express';
import { z } from 'zod';
import { route } from '../../lib/openapi.js';
import { currentUser, requireRole, requireUser } from './accounts.middleware.js';
import { presentToken, presentUser, toAuthUser } from './accounts.presenter.js';
import {
  changePasswordBody,
  createStaffBody,
  createTokenBody,
  createdTokenResponse,
  csrfResponse,
  loginBody,
  registerBody,
  tokenIdParams,
  tokenSchema,
  updateProfileBody,
  userListQuery,
  userResponse,
  userSchema,
} from './accounts.schema.js';
import * as accounts from './accounts.service.js';
import * as tokens from './api-tokens.service.js';
import type { Authentication } from './authentication.js';

const TAGS = ['Accounts'];
const problems = {
  400: 'Invalid input',
  401: 'Not signed in',
  403: 'Missing or wrong CSRF token, or not allowed',
};

export function accountsRouter(auth: Authentication) {
  const router = express.Router();
  // Nothing about an account may be cached by a browser or a proxy.
  router.use(['/auth', '/admin/users'], (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  route(
    router,
    {
      method: 'get',
      path: '/auth/csrf',
      summary: 'A CSRF token for the X-CSRF-Token header (bound to the current session)',
      tags: TAGS,
      responses: { 200: { description: 'The token', schema: csrfResponse } },
    },
    (req, res) => {
      res.json({ csrfToken: auth.issueCsrfToken(req, res) });
    },
  );

  route(
    router,
    {
      method: 'post',
      path: '/auth/register',
      summary: 'Sign up as an artisan or a cooperative (signs in; returns a new CSRF token)',
      tags: TAGS,
      body: registerBody,
      responses: { 201: { description: 'Signed up and in', schema: userResponse }, ...problems, 409: 'The email is taken' },
    },
    async (req, res, { body }) => {
      const user = await accounts.register(body);
      await auth.startSession(req, toAuthUser(user));
      res.status(201).json({ user: presentUser(user), csrfToken: auth.issueCsrfToken(req, res, true) });
    },
  );

  route(
    router,
    {
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with email and password (new session id; returns a new CSRF token)',
      tags: TAGS,
      body: loginBody,
      responses: {
        200: { description: 'Signed in', schema: userResponse },
        ...problems,
        401: 'Wrong email or password (the same answer for an unknown email)',
        429: 'Too many failed sign-ins for this account or address (Retry-After)',
      },
    },
    async (req, res) => {
      const signedIn = await auth.logIn(req, res);
      const user = await accounts.getUser(signedIn.id);
      res.json({ user: presentUser(user), csrfToken: auth.issueCsrfToken(req, res, true) });
    },
  );

  route(
    router,
    {
      method: 'post',
      path: '/auth/logout',
      summary: 'Sign out (ends the session)',
      tags: TAGS,
      auth: 'user',
      middleware: [requireUser],
      responses: { 204: 'Signed out', ...problems },
    },
    async (req, res) => {
      await auth.logOut(req, res);
      res.status(204).end();
    },
  );

  route(
    router,
    {
      method: 'get',
      path: '/auth/me',
      summary: 'The signed-in user and their profile',
      tags: TAGS,
      auth: 'user',
      middleware: [requireUser],
      responses: { 200: { description: 'The user', schema: z.object({ user: userSchema }) }, 401: problems[401] },
    },
    async (req, res) => {
      res.json({ user: presentUser(await accounts.getUser(currentUser(req).id)) });
    },
  );

  route(
    router,
    {
      method: 'patch',
      path: '/auth/me',
      summary: 'Update the profile (null clears phone, craft or region)',
      tags: TAGS,
      auth: 'user',
      middleware: [requireUser],
      body: updateProfileBody,
      responses: { 200: { description: 'The updated user', schema: z.object({ user: userSchema }) }, ...problems },
    },
    async (req, res, { body }) => {
      res.json({ user: presentUser(await accounts.updateProfile(currentUser(req).id, body)) });
    },
  );

  route(
    router,
    {
      method: 'post',
      path: '/auth/password',
      summary: 'Change the password (needs the current one)',
      tags: TAGS,
      auth: 'user',
      middleware: [requireUser],
      body: changePasswordBody,
      responses: { 204: 'Changed', ...problems },
    },
    async (req, res, { body }) => {
      await accounts.changePassword(currentUser(req).id, body.currentPassword, body.newPassword);
      res.status(204).end();
    },
  );

  route(
    router,
    {
      method: 'post',
      path: '/auth/tokens',
      summary: 'Create a bearer token for scripts (the token is shown only in this answer)',
      tags: TAGS,
      auth: 'user',
      middleware: [requireUser],
      body: createTokenBody,
      responses: { 201: { description: 'The new token', schema: createdTokenResponse }, ...problems, 422: 'Too many tokens' },
    },
    async (req, res, { body }) => {
      res.status(201).json(await tokens.createToken(currentUser(req).id, body.name));
    },
  );

  route(
    router,
    {
      method: 'get',
      path: '/auth/tokens',
      summary: "The user's bearer tokens (names and dates, never the secrets)",
      tags: TAGS,
      auth: 'user',
      middleware: [requireUser],
      responses: { 200: { description: 'The tokens', schema: z.object({ items: z.array(tokenSchema) }) }, 401: problems[401] },
    },
    async (req, res) => {
      const items = await tokens.listTokens(currentUser(req).id);
      res.json({ items: items.map(presentToken) });
    },
  );

  route(
    router,
    {
      method: 'delete',
      path: '/auth/tokens/:id',
      summary: 'Revoke one of your bearer tokens',
      tags: TAGS,
      auth: 'user',
      middleware: [requireUser],
      params: tokenIdParams,
      responses: { 204: 'Revoked', ...problems, 404: 'No such token of yours' },
    },
    async (req, res, { params }) => {
      await tokens.revokeToken(currentUser(req).id, params.id);
      res.status(204).end();
    },
  );

  route(
    router,
    {
      method: 'post',
      path: '/admin/users',
      summary: 'Create an examiner or admin account (admins only)',
      tags: ['Administration'],
      auth: 'user',
      middleware: [requireRole('admin')],
      body: createStaffBody,
      responses: { 201: { description: 'Created', schema: z.object({ user: userSchema }) }, ...problems, 409: 'The email is taken' },
    },
    async (req, res, { body }) => {
      const user = await accounts.createStaff({ ...body, createdBy: currentUser(req).id });
      res.status(201).json({ user: presentUser(user) });
    },
  );

  route(
    router,
    {
      method: 'get',
      path: '/admin/users',
      summary: 'List accounts, newest first, optionally by role (admins only)',
      tags: ['Administration'],
      auth: 'user',
      middleware: [requireRole('admin')],
      query: userListQuery,
      responses: { 200: { description: 'Accounts', schema: z.object({ items: z.array(userSchema), total: z.number() }) }, ...problems },
    },
    async (_req, res, { query }) => {
      const { items, total } = await accounts.listUsers(query);
      res.json({ items: items.map(presentUser), total });
    },
  );

  return router;
}
