/**
 * `npm run bench`: runs every benchmark script in bench/ (each `*.ts` but this one and scratch
 * files starting with `_`) as its own child process, one after another so they do not compete for
 * the 2 cores, reads the JSON object each prints LAST on stdout, writes them all to
 * bench/results.json and prints a table of figures against their baselines and goals.
 *
 *   npm run bench                 every script
 *   npm run bench -- http media   only those
 *   BENCH_QUICK=1 npm run bench   shorter runs where a script supports it
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderTable, rowsFor, type Row } from './lib/figures.js';

const here = import.meta.dirname;
const root = path.resolve(here, '..');
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 1200) * 1000;

interface Outcome {
  script: string;
  ok: boolean;
  durationSeconds: number;
  result?: Record<string, unknown>;
  error?: string;
}

/**
 * The JSON object a script printed last: its last stdout line; failing that, a pretty-printed
 * object at the end (from the last line that is just `{`), which the run accepts with a warning.
 */
function lastJson(stdout: string): { value?: Record<string, unknown>; warning?: string } {
  const lines = stdout.trimEnd().split('\n');
  const last = lines.at(-1)?.trim() ?? '';
  try {
    const value = JSON.parse(last) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return { value: value as Record<string, unknown> };
  } catch {
    // fall through
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i] !== '{') continue;
    try {
      const value = JSON.parse(lines.slice(i).join('\n')) as Record<string, unknown>;
      return { value, warning: 'printed pretty JSON over several lines; print JSON.stringify(result) on one line' };
    } catch {
      break;
    }
  }
  return {};
}

function runScript(file: string): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      process.stderr.write(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const script = path.basename(file, '.ts');
      const durationSeconds = Math.round((Date.now() - started) / 100) / 10;
      const { value, warning } = lastJson(stdout);
      if (warning) process.stderr.write(`[bench] ${script}: ${warning}\n`);
      if (code !== 0 || !value) {
        const why = code !== 0 ? `exited with ${code ?? signal}` : 'printed no JSON object as its last stdout line';
        resolve({ script, ok: false, durationSeconds, error: `${why}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`, result: value });
        return;
      }
      resolve({ script, ok: true, durationSeconds, result: value });
    });
  });
}

const only = process.argv.slice(2);
const scripts = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.includes(path.basename(f, '.ts')))
  .sort();

const outcomes: Outcome[] = [];
for (const file of scripts) {
  process.stderr.write(`\n[bench] ${file} …\n`);
  const outcome = await runScript(path.join(here, file));
  process.stderr.write(`[bench] ${file}: ${outcome.ok ? 'done' : `FAILED (${outcome.error})`} in ${outcome.durationSeconds} s\n`);
  outcomes.push(outcome);
}

const results = {
  ranAt: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGB: Math.round(os.totalmem() / 2 ** 30), loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10), node: process.version },
  quick: process.env.BENCH_QUICK === '1',
  benches: Object.fromEntries(outcomes.map((o) => [o.script, { ok: o.ok, durationSeconds: o.durationSeconds, ...(o.error ? { error: o.error } : {}), result: o.result }])),
};
fs.writeFileSync(path.join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

const rows: Row[] = outcomes.flatMap((o) =>
  o.ok && o.result ? rowsFor(o.script, o.result) : [{ bench: o.script, figure: `${o.script}: did not run`, value: '—', baseline: '—', ratio: '—', goal: '—', met: 'no' as const }],
);
console.log(`\nNaqsh benchmarks, ${results.ranAt}, ${results.machine.cpus} CPUs, load average ${results.machine.loadAverage.join(' ')}${results.quick ? ' (BENCH_QUICK)' : ''}\n`);
console.log(renderTable(rows));
if (process.env.BENCH_MARKDOWN === '1') console.log(`\n${renderTable(rows, true)}`);
console.log(`\nWritten: bench/results.json`);
process.exitCode = outcomes.every((o) => o.ok) ? 0 : 1;
