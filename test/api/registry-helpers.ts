/** Helpers shared by the registry's API tests. */
import assert from 'node:assert/strict';
import { API, type Actor } from '../support/actors.js';
import type { createTestApp } from '../support/app.js';

type App = ReturnType<typeof createTestApp>['app'];

/** POST /admin/import with a manifest and named image files. */
export function importRecords(app: App, admin: Actor, manifest: unknown[], images: Array<{ name: string; data: Buffer }> = []) {
  let req = admin.agent.post(`${API}/admin/import`).attach('manifest', Buffer.from(JSON.stringify(manifest)), { filename: 'manifest.json', contentType: 'application/json' });
  for (const img of images) req = req.attach('images', img.data, { filename: img.name, contentType: 'image/jpeg' });
  return req;
}

/** Fails if a public answer carries anything personal: emails, phone numbers, or owner ids. */
export function assertNothingPrivate(body: unknown, ownerIds: string[]) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  assert.doesNotMatch(text, /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}/, 'an email address in a public answer');
  // Not inside a longer run of letters and digits: an ObjectId's hex may hold "06" and 8 digits.
  assert.doesNotMatch(text, /(?<![\p{L}\p{N}])(?:\+?212[\s-]?\d|0[67]\d{8})(?![\p{L}\p{N}])/u, 'a phone number in a public answer');
  for (const id of ownerIds) assert.ok(!text.includes(id), `owner id ${id} in a public answer`);
  assert.doesNotMatch(text, /"(owner|ownerId|email|phone|assignedTo|history|nationalId)"\s*:\s*"/, 'a private field in a public answer');
}

