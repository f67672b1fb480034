/**
 * The real server as a child process, for tests and benchmarks that need signals, restarts or
 * several instances: `npx tsx server/main.ts` (or `node dist/server/main.js` with `built: true`)
 * with the environment given, on a free loopback port, waited for until /readyz answers 200.
 *
 *   const server = await startServerProcess({ env: { DATA_DIR: dir, UPLOADS_DIR: up } });
 *   await fetch(`${server.url}/api/v1/reference`);
 *   const { code } = await server.stop('SIGTERM');   // or server.kill() for SIGKILL
 *
 * Output (stdout and stderr) is collected in `server.output()` for assertion messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface ServerProcessOptions {
  /** Extra environment (strings); PORT is chosen here unless given. */
  env?: Record<string, string>;
  /** Run dist/server/main.js with node instead of the sources with tsx. */
  built?: boolean;
  /** How long to wait for /readyz (ms). */
  readyTimeoutMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  pid: number;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<Exit>;
  /** Sends the signal and waits for the exit (SIGKILL after `timeoutMs` if it does not stop). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
  /** SIGKILL, as a power cut would. */
  kill(): Promise<Exit>;
}

/** A port nothing listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawns a TypeScript entry point as `node --import tsx script`: one process (the tsx CLI would
 * put a second one in between), so a SIGKILL or SIGTERM reaches the script itself.
 */
export function spawnTsx(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Polls `url` until it answers `status` (any status when omitted), the child exits, or time runs out. */
export async function waitForUrl(url: string, child: ChildProcess, timeoutMs: number, output: () => string, status?: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the process exited (${child.exitCode ?? child.signalCode}) before ${url} answered:\n${output().slice(-3000)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (status === undefined || res.status === status) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output().slice(-3000)}`);
}

function track(child: ChildProcess) {
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<Exit> => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const exit = await exited;
    clearTimeout(timer);
    return exit;
  };
  return { output: () => output, exited, stop };
}

/** Starts the server and waits until it is ready. Throws (after killing it) when it does not get there. */
export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const port = options.env?.PORT ? Number(options.env.PORT) : await freePort();
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SERVE_CLIENT: 'false',
    JOBS_INTERVAL_SECONDS: '0',
    HOST: '127.0.0.1',
    ...options.env,
    PORT: String(port),
  };
  let child: ChildProcess;
  if (options.built) {
    const main = path.join(repoRoot, 'dist', 'server', 'main.js');
    if (!fs.existsSync(main)) throw new Error(`${main} is missing: run npm run build:server first`);
    child = spawn(process.execPath, [main], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  } else {
    child = spawnTsx('server/main.ts', [], env);
  }
  const { output, exited, stop } = track(child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForUrl(`${url}/readyz`, child, options.readyTimeoutMs ?? 60_000, output, 200);
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }
  return { child, port, url, pid: child.pid!, output, exited, stop, kill: () => stop('SIGKILL') };
}

export interface StoreProcess {
  child: ChildProcess;
  port: number;
  uri: string;
  output(): string;
  exited: Promise<Exit>;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

/** The embedded store alone (`npm run db -- --port P --dir D`), ready when its port accepts connections. */
export async function startStoreProcess(dir: string, timeoutMs = 30_000): Promise<StoreProcess> {
  const port = await freePort();
  const child = spawnTsx('server/db/embedded/cli.ts', ['--port', String(port), '--dir', dir], {});
  const { output, exited, stop } = track(child);
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the store exited:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) break;
    if (Date.now() > until) {
      await stop('SIGKILL');
      throw new Error(`the store did not listen within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { child, port, uri: `mongodb://127.0.0.1:${port}`, output, exited, stop };
}
