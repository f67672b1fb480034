/**
 * HTTP benchmark: the public pages of the real server (a child process on the embedded store, in
 * a temporary folder) under autocannon, against a bare Express hello-world in its own process on
 * the same machine in the same run. 100 connections, 20 s per target (BENCH_QUICK=1: 5 s).
 * Targets: GET /api/v1/reference (no database; then again with a visitor's session cookie, which
 * costs a session read), and, when the registry routes exist, a record page
 * GET /api/v1/registry/:number and a text search GET /api/v1/registry/search?q=; otherwise an
 * owner's GET /api/v1/applications/:id. Prints one JSON line last.
 * Run: npx tsx bench/http.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServerProcess, freePort, spawnTsx, waitForUrl } from '../test/support/server-process.js';
import { API, Session, filingBody } from './lib/client.js';
import { runLoad, type LoadFigures } from './lib/load.js';
import { seedPublicRecords } from './lib/seed.js';

const QUICK = process.env.BENCH_QUICK === '1';
const DURATION = Number(process.env.BENCH_HTTP_SECONDS ?? (QUICK ? 5 : 20));
const CONNECTIONS = 100;
const RECORDS = Number(process.env.BENCH_HTTP_RECORDS ?? (QUICK ? 200 : 500));
const ADMIN = { email: 'bench.admin@example.ma', password: 'bench-admin-password' };
const log = (msg: string) => process.stderr.write(`[bench/http] ${msg}\n`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-bench-http-'));
const server = await startServerProcess({
  // Request logs off (warn): the figure is the application's, not pino's writes to a pipe.
  env: { DATA_DIR: path.join(dir, 'data'), UPLOADS_DIR: path.join(dir, 'uploads'), NODE_ENV: 'development', SESSION_SECRET: 'b'.repeat(40), LOG_LEVEL: 'warn', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
});
const helloPort = await freePort();
const hello = spawnTsx('bench/lib/hello-server.ts', [], { PORT: String(helloPort) });
let helloOut = '';
hello.stdout!.on('data', (d: Buffer) => (helloOut += d.toString()));

try {
  await waitForUrl(`http://127.0.0.1:${helloPort}/hello`, hello, 30_000, () => helloOut, 200);
  const openapi = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
  const hasRegistry = Boolean(openapi.paths[`${API}/registry/search`] && openapi.paths[`${API}/registry/{number}`]);

  const targets: Array<{ name: string; paths: string[]; headers?: Record<string, string> }> = [{ name: 'GET /reference', paths: [`${API}/reference`] }];
  // A browser that has fetched a CSRF token sends its session cookie with every request: the
  // session is read from the store each time.
  const visitor = await Session.anonymous(server.url);
  const visitorCookie = [...visitor.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  targets.push({ name: 'GET /reference (visitor with a session cookie)', paths: [`${API}/reference`], headers: { Cookie: visitorCookie } });
  const admin = await Session.signIn(server.url, ADMIN.email, ADMIN.password);
  if (hasRegistry) {
    const t = Date.now();
    const seeded = await seedPublicRecords(admin, RECORDS, 20);
    log(`seeded ${RECORDS} records in ${Date.now() - t} ms`);
    targets.push({ name: 'GET /registry/:number', paths: seeded.numbers.slice(0, 500).map((n) => `${API}/registry/${n}`) });
    targets.push({ name: 'GET /registry/search?q=', paths: seeded.terms.map((q) => `${API}/registry/search?q=${encodeURIComponent(q)}`) });
  } else {
    const owner = await Session.register(server.url, 'artisan', 'bench-owner');
    const created = await owner.json('POST', `${API}/applications`, filingBody(1));
    const token = await owner.json('POST', `${API}/auth/tokens`, { name: 'bench' });
    targets.push({ name: 'GET /applications/:id (owner)', paths: [`${API}/applications/${created.body.application.id}`], headers: { Authorization: `Bearer ${token.body.token}` } });
  }

  // The machine is shared and noisy: the baseline is measured before AND after the targets, and
  // each target is compared with the mean of the two (both runs are reported).
  const runBaseline = (when: string) => {
    log(`hello-world baseline (${when}), ${CONNECTIONS} connections, ${DURATION} s`);
    return runLoad({ url: `http://127.0.0.1:${helloPort}`, paths: ['/hello'], connections: CONNECTIONS, durationSeconds: DURATION });
  };
  const before = await runBaseline('before');
  const measured: Array<[string, LoadFigures]> = [];
  for (const target of targets) {
    log(`${target.name}, ${CONNECTIONS} connections, ${DURATION} s`);
    measured.push([target.name, await runLoad({ url: server.url, paths: target.paths, headers: target.headers, connections: CONNECTIONS, durationSeconds: DURATION })]);
  }
  const after = await runBaseline('after');
  const baseline = { ...before, requestsPerSec: Math.round((before.requestsPerSec + after.requestsPerSec) / 2) };
  const results: Record<string, LoadFigures & { ratioToBaseline: number }> = {};
  for (const [name, figures] of measured) {
    results[name] = { ...figures, ratioToBaseline: Math.round((figures.requestsPerSec / baseline.requestsPerSec) * 100) / 100 };
  }
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const rss = Number(/^naqsh_process_resident_memory_bytes (\S+)/m.exec(metrics)?.[1] ?? NaN);

  console.log(
    JSON.stringify({
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      records: hasRegistry ? RECORDS : 0,
      cpus: os.cpus().length,
      baseline: { name: 'bare Express hello-world (mean of a run before and a run after the targets)', ...baseline, runsRequestsPerSec: [before.requestsPerSec, after.requestsPerSec] },
      targets: results,
      serverRssMBAfter: Math.round(rss / 2 ** 20),
      note: 'server: NODE_ENV=development (production cookies are Secure-only, and this runs over plain HTTP), LOG_LEVEL=warn, embedded store in-process; autocannon shares the 2 cores with both servers.',
    }),
  );
} finally {
  hello.kill('SIGTERM');
  await server.stop('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
