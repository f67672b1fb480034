/**
 * Turns each benchmark's JSON into table rows: the figure, its value, the baseline measured in the
 * same run, their ratio, the goal from issue 9, and whether it is met. A benchmark this file does
 * not know still shows its top-level numbers, so a new script is never silently dropped.
 */

export interface Row {
  bench: string;
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  goal: string;
  met: 'yes' | 'no' | '—';
}

type Json = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const fmt = (v: number | undefined, unit = '') => (v === undefined ? '—' : `${Number.isInteger(v) ? v : v.toFixed(v < 10 ? 2 : 1)}${unit}`);
const met = (ok: boolean | undefined): Row['met'] => (ok === undefined ? '—' : ok ? 'yes' : 'no');

/** The first value found under `key` anywhere in the object (depth first). */
export function findKey(obj: unknown, key: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  if (key in (obj as Json)) return (obj as Json)[key];
  for (const v of Object.values(obj as Json)) {
    const found = findKey(v, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

const firstNum = (obj: unknown, keys: string[]) => {
  for (const k of keys) {
    const v = num(findKey(obj, k));
    if (v !== undefined) return v;
  }
  return undefined;
};

function media(j: Json): Omit<Row, 'bench'>[] {
  const pipeline = j.pipeline as Json | undefined;
  const baseline = j.baseline as Json | undefined;
  const ratio = num(j.ratio);
  const ten = j.tenUploadsThroughQueue as Json | undefined;
  const loop = ten?.eventLoopDelayMs as Json | undefined;
  const rows: Omit<Row, 'bench'>[] = [
    { figure: 'media: 12-MP JPEG through the pipeline (median)', value: fmt(num(pipeline?.medianMs), ' ms'), baseline: `${fmt(num(baseline?.medianMs), ' ms')} bare sharp resize`, ratio: fmt(ratio, '×'), goal: '≤ 1.3×', met: met(ratio === undefined ? undefined : ratio <= 1.3) },
  ];
  if (num(j.ratioVsSameEffort) !== undefined) {
    const r = num(j.ratioVsSameEffort)!;
    const b = j.baselineEffort1 as Json | undefined;
    rows.push({ figure: 'media: same, vs sharp at the same WebP effort', value: fmt(num(pipeline?.medianMs), ' ms'), baseline: fmt(num(b?.medianMs), ' ms'), ratio: fmt(r, '×'), goal: '≤ 1.3×', met: met(r <= 1.3) });
  }
  rows.push(
    { figure: 'media: peak RSS, one pipeline run', value: fmt(num(pipeline?.peakRssMB), ' MB'), baseline: fmt(num(baseline?.peakRssMB), ' MB'), ratio: '—', goal: 'report', met: '—' },
    { figure: 'media: event-loop delay p99 while 10 uploads run', value: fmt(num(loop?.p99), ' ms'), baseline: '—', ratio: '—', goal: 'report', met: '—' },
    { figure: 'media: peak RSS while 10 uploads run', value: fmt(num(ten?.peakRssMB), ' MB'), baseline: '—', ratio: '—', goal: 'report', met: '—' },
  );
  return rows;
}

function store(j: Json): Omit<Row, 'bench'>[] {
  const r = (figure: string, v: unknown, unit: string) => ({ figure, value: fmt(num(v), unit), baseline: '—', ratio: '—', goal: 'report', met: '—' as const });
  const lookup = j.indexedLookupMedianMs as Json | undefined;
  // bench/store.ts reports lookups through mongoose and in the engine alone; older runs, flat.
  const viaMongoose = (lookup?.throughMongoose as Json | undefined) ?? lookup;
  const agg = j.slowAggregation as Json | undefined;
  return [
    r('store: inserts through mongoose', j.insertsPerSec, '/s'),
    r('store: indexed finds', j.indexedFindsPerSec, '/s'),
    r('store: updates', j.updatesPerSec, '/s'),
    r('store: indexed lookup median at 100 000 docs', viaMongoose?.docs100000, ' ms'),
    r('store: 100 000-doc aggregation', agg?.durationMs, ' ms'),
    r('store: host longest tick gap during it', agg?.hostLongestTickGapMs ?? agg?.hostEventLoopDelayMaxMs, ' ms'),
  ];
}

function http(j: Json): Omit<Row, 'bench'>[] {
  const baseline = j.baseline as Json | undefined;
  const base = num(baseline?.requestsPerSec);
  const runs = (baseline?.runsRequestsPerSec as unknown[] | undefined)?.map(num).filter((v): v is number => v !== undefined);
  const baseText = `${fmt(base, ' req/s')} hello-world${runs && runs.length > 1 ? ` (runs ${runs.join(', ')})` : ''}`;
  const rows: Omit<Row, 'bench'>[] = [];
  for (const [name, raw] of Object.entries((j.targets as Record<string, Json>) ?? {})) {
    const rps = num(raw.requestsPerSec);
    const ratio = num(raw.ratioToBaseline);
    const lat = raw.latencyMs as Json | undefined;
    // autocannon counts timeouts among its errors: adding both would count them twice.
    const failures = (num(raw.errors) ?? 0) + (num(raw.non2xx) ?? 0);
    rows.push({ figure: `http: ${name}, ${String(j.connections)} conn.`, value: fmt(rps, ' req/s'), baseline: baseText, ratio: fmt(ratio, '×'), goal: '≥ 0.3×', met: met(ratio === undefined ? undefined : ratio >= 0.3 && failures === 0) });
    rows.push({ figure: `http: ${name} latency p50 / p99`, value: `${fmt(num(lat?.p50))} / ${fmt(num(lat?.p99))} ms`, baseline: `${fmt(num((baseline?.latencyMs as Json)?.p50))} / ${fmt(num((baseline?.latencyMs as Json)?.p99))} ms`, ratio: '—', goal: failures ? `${failures} failed requests` : 'report', met: failures ? 'no' : '—' });
  }
  return rows;
}

function imageSearch(j: Json): Omit<Row, 'bench'>[] {
  // bench/image-search.ts: latencyMs by index size, vsExhaustive (speed-up and agreement of the
  // top result on a subset), recall by kind of alteration with its goal.
  const latency = j.latencyMs as Record<string, Json> | undefined;
  const largest = latency ? Object.values(latency).sort((a, b) => (num(b.records) ?? 0) - (num(a.records) ?? 0))[0] : undefined;
  const vs = j.vsExhaustive as Json | undefined;
  const speedup = num(vs?.speedup) ?? firstNum(j, ['speedup', 'speedUp', 'fasterBy']);
  const sameShare = num(vs?.sameTopResult);
  const sameFlag = findKey(j, 'sameResults') ?? findKey(j, 'identical');
  const same = sameShare !== undefined ? sameShare === 1 : typeof sameFlag === 'boolean' ? sameFlag : undefined;
  const p50 = num(largest?.p50) ?? firstNum(j, ['p50Ms', 'p50']);
  const p99 = num(largest?.p99) ?? firstNum(j, ['p99Ms', 'p99']);
  const records = num(largest?.records) ?? firstNum(j, ['records', 'n', 'count']);
  const rows: Omit<Row, 'bench'>[] = [
    { figure: `image search at ${fmt(records)} records, p50 / p99`, value: `${fmt(p50)} / ${fmt(p99)} ms`, baseline: '—', ratio: '—', goal: 'report', met: '—' },
    { figure: `image search vs brute-force Hamming scan${vs ? ` (${fmt(num(vs.records))} records)` : ''}`, value: vs ? `${fmt(num(vs.indexedMs))} ms` : '—', baseline: vs ? `${fmt(num(vs.exhaustiveMs))} ms scan` : 'brute-force scan', ratio: fmt(speedup, '× faster'), goal: '≥ 20× faster', met: met(speedup === undefined ? undefined : speedup >= 20) },
    { figure: 'image search: same top result as the scan', value: sameShare !== undefined ? `${fmt(sameShare * 100)} %` : same === undefined ? '—' : String(same), baseline: '—', ratio: '—', goal: 'same results', met: met(same) },
  ];
  const goals = (j.goals as Record<string, string> | undefined) ?? {};
  for (const [kind, raw] of Object.entries((j.recall as Record<string, Json> | undefined) ?? {})) {
    const goal = goals[kind];
    const m = goal ? /^(top\d+) ≥ ([\d.]+)/.exec(goal) : null;
    const value = m ? num(raw[m[1]!]) : num(raw.top1);
    rows.push({ figure: `image search recall, ${kind} photos`, value: `top1 ${fmt(num(raw.top1))}, top5 ${fmt(num(raw.top5))}`, baseline: '—', ratio: '—', goal: goal ?? 'report', met: m && value !== undefined ? met(value >= Number(m[2])) : '—' });
  }
  return rows;
}

function textSearch(j: Json): Omit<Row, 'bench'>[] {
  const p50 = firstNum(j, ['p50Ms', 'p50']);
  const p99 = firstNum(j, ['p99Ms', 'p99']);
  const records = firstNum(j, ['records', 'n', 'count']);
  return [{ figure: `text search at ${fmt(records)} records, p50 / p99`, value: `${fmt(p50)} / ${fmt(p99)} ms`, baseline: '—', ratio: '—', goal: 'p99 ≤ 50 ms', met: met(p99 === undefined ? undefined : p99 <= 50) }];
}

function generic(name: string, j: Json): Omit<Row, 'bench'>[] {
  return Object.entries(j)
    .filter(([, v]) => num(v) !== undefined)
    .map(([k, v]) => ({ figure: `${name}: ${k}`, value: fmt(num(v)), baseline: '—', ratio: '—', goal: 'report', met: '—' as const }));
}

/** "a/b" as a share, e.g. "19/20" → 0.95. */
function share(v: unknown): number | undefined {
  const m = typeof v === 'string' ? /^(\d+)\/(\d+)$/.exec(v) : null;
  return m && Number(m[2]) > 0 ? Number(m[1]) / Number(m[2]) : num(v);
}

/**
 * bench/search.ts: { sizes: [{ records, text: {p50Ms, p99Ms, indexedLookupP50Ms}, image: {p50Ms,
 * p99Ms, exhaustiveP50Ms, speedupVsExhaustive, sameTopAsExhaustive} }], summary }. Older shapes,
 * { text, image } or flat, still read.
 */
function search(j: Json): Omit<Row, 'bench'>[] {
  const sizes = j.sizes as Json[] | undefined;
  if (!Array.isArray(sizes)) return [...textSearch((j.text as Json) ?? j), ...(j.image ? imageSearch(j.image as Json) : [])];
  const rows: Omit<Row, 'bench'>[] = [];
  const largest = Math.max(...sizes.map((s) => num(s.records) ?? 0));
  for (const size of sizes) {
    const records = num(size.records);
    const atLargest = records === largest;
    const text = size.text as Json | undefined;
    const image = size.image as Json | undefined;
    const p99 = num(text?.p99Ms);
    rows.push({ figure: `text search at ${fmt(records)} records, p50 / p99`, value: `${fmt(num(text?.p50Ms))} / ${fmt(p99)} ms`, baseline: `${fmt(num(text?.indexedLookupP50Ms))} ms indexed lookup`, ratio: '—', goal: 'p99 ≤ 50 ms', met: met(p99 === undefined ? undefined : p99 <= 50) });
    if (!image) continue;
    const speedup = num(image.speedupVsExhaustive);
    const same = share(image.sameTopAsExhaustive);
    rows.push(
      { figure: `image search at ${fmt(records)} records, p50 / p99`, value: `${fmt(num(image.p50Ms))} / ${fmt(num(image.p99Ms))} ms`, baseline: `${fmt(num(image.exhaustiveP50Ms))} ms brute-force scan`, ratio: fmt(speedup, '× faster'), goal: atLargest ? '≥ 20× faster' : 'report', met: atLargest ? met(speedup === undefined ? undefined : speedup >= 20) : '—' },
      { figure: `image search at ${fmt(records)} records: same top result as the scan`, value: String(image.sameTopAsExhaustive ?? '—'), baseline: '—', ratio: '—', goal: 'same results', met: met(same === undefined ? undefined : same === 1) },
    );
  }
  const summary = j.summary as Json | undefined;
  const costRatio = num(summary?.imageCostRatioLargestToSmallest);
  const costGoal = num(summary?.imageGoalCostRatio);
  if (costRatio !== undefined) rows.push({ figure: 'image search: cost at the largest size / the smallest', value: fmt(costRatio, '×'), baseline: '—', ratio: '—', goal: costGoal ? `≤ ${costGoal}×` : 'report', met: costGoal ? met(costRatio <= costGoal) : '—' });
  return rows;
}

const EXTRACTORS: Record<string, (j: Json) => Omit<Row, 'bench'>[]> = { media, store, http, 'image-search': imageSearch, search };

export function rowsFor(bench: string, result: Json): Row[] {
  const extract = EXTRACTORS[bench] ?? ((j: Json) => generic(bench, j));
  return extract(result).map((r) => ({ bench, ...r }));
}

/** A plain-text table (and the same rows as Markdown for the README). */
export function renderTable(rows: Row[], markdown = false): string {
  const head = ['figure', 'value', 'baseline (same run)', 'ratio', 'goal', 'met?'];
  const cells = rows.map((r) => [r.figure, r.value, r.baseline, r.ratio, r.goal, r.met]);
  if (markdown) return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...cells.map((c) => `| ${c.join(' | ')} |`)].join('\n');
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
