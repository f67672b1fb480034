/**
 * The product as a newcomer meets it: `npm start` (scripts/start.mjs) builds what is missing,
 * starts on the embedded store with nothing configured, serves the landing page, and stops
 * cleanly on SIGTERM after finishing in-flight requests.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

async function waitFor(url: string, deadlineMs: number, child: ChildProcess): Promise<Response> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error('the server exited');
    try {
      return await fetch(url);
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${url} did not answer within ${deadlineMs} ms`);
}

describe('npm start (scripts/start.mjs → server/main.ts)', function () {
  // The first start compiles the server and the client.
  this.timeout(180_000);
  let dataDir: string;
  let uploadsDir: string;

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-start-'));
    uploadsDir = path.join(dataDir, 'uploads');
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('When started with no MONGODB_URI, then /healthz, /readyz and the landing page answer, and SIGTERM lets an in-flight request finish and exits 0', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port), DATA_DIR: dataDir, UPLOADS_DIR: uploadsDir });
    try {
      const health = await waitFor(`http://127.0.0.1:${port}/healthz`, 150_000, server.child);
      assert.equal(health.status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
      const home = await fetch(`http://127.0.0.1:${port}/`, { headers: { Accept: 'text/html' } });
      assert.equal(home.status, 200);
      const html = await home.text();
      assert.match(html, /<html lang="ar" dir="rtl">/);
      assert.match(html, /Naqsh/);
      assert.match(server.output(), /database: embedded store/);
      // The search indexes are loaded at start, not by the first search.
      for (let i = 0; i < 100 && !/search indexes loaded/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(server.output(), /search indexes loaded/);

      // An in-flight request: headers and half the body sent, the rest after SIGTERM.
      const body = JSON.stringify({ note: 'x'.repeat(2000) });
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      let response = '';
      socket.on('data', (d) => (response += d));
      const closed = new Promise((r) => socket.once('close', r));
      socket.write(
        `POST /api/v1/echo-nothing HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      );
      socket.write(body.slice(0, 1000));
      await new Promise((r) => setTimeout(r, 200));
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      socket.write(body.slice(1000));
      await closed;
      assert.match(response, /^HTTP\/1.1 404/);
      assert.match(response, /application\/problem\+json/);

      const { code } = await server.exited;
      assert.equal(code, 0, server.output());
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('When PORT is not a number, then the start fails with a message naming PORT', async () => {
    const server = startServer({ PORT: 'abc', DATA_DIR: dataDir, UPLOADS_DIR: uploadsDir });
    const { code } = await server.exited;
    assert.notEqual(code, 0);
    assert.match(server.output(), /PORT must be 1-65535/);
  });
});
