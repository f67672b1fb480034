/** Renders values the way MongoDB's error messages do, e.g. `dup key: { email: "a@b.c" }`. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(', ')} ]`;
  const b = v as { _bsontype?: string; toHexString?: () => string; toString(): string };
  switch (b._bsontype) {
    case 'ObjectId':
      return `ObjectId('${b.toHexString!()}')`;
    case 'Decimal128':
      return `NumberDecimal("${b.toString()}")`;
    case 'Long':
      return `${b.toString()}`;
    case undefined:
      break;
    default:
      return b.toString();
  }
  const entries = Object.entries(v as Record<string, unknown>);
  return entries.length ? `{ ${entries.map(([k, x]) => `${k}: ${formatValue(x)}`).join(', ')} }` : '{}';
}
