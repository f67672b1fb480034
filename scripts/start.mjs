// `npm start`: builds what is not built yet (or is older than its sources), then runs the
// compiled server, which also serves the built client.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const newest = (dir) => {
  let latest = 0;
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else latest = Math.max(latest, fs.statSync(p).mtimeMs);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return latest;
};
const builtAt = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
const run = (script) => {
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const serverEntry = path.join(root, 'dist/server/main.js');
if (builtAt(serverEntry) < Math.max(newest(path.join(root, 'server')), builtAt(path.join(root, 'package-lock.json')))) {
  console.log('Building the server…');
  run('build:server');
  fs.utimesSync(serverEntry, new Date(), new Date());
}
const clientEntry = path.join(root, 'dist/client/index.html');
if (builtAt(clientEntry) < newest(path.join(root, 'client'))) {
  console.log('Building the client…');
  run('build:client');
}

// The server runs as a child; signals sent to `npm start` reach it, and its exit code is ours.
const server = spawn(process.execPath, ['--enable-source-maps', serverEntry], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => server.kill(sig));
server.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
