/** Sorting in MongoDB's order, shared by find, findAndModify and the aggregation $sort stage. */
import type { Document } from 'bson';
import { pathValues } from './indexes.js';
import { encodeValue } from './key-encoding.js';
import { StoreError, Codes, notSupported } from './errors.js';

/** Sorts in MongoDB's order: BSON type order, arrays by their smallest (asc) or largest (desc) element. */
export function sortRows<R extends { doc: Document }>(rows: R[], sort: Document): R[] {
  const fields = Object.entries(sort).map(([path, dir]) => {
    if (dir && typeof dir === 'object') throw notSupported('sorting by $meta');
    const n = Number(dir);
    if (n !== 1 && n !== -1)
      throw new StoreError(Codes.BadValue, `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    return { path, dir: n };
  });
  const keyed = rows.map((row, i) => ({
    row,
    i,
    keys: fields.map(({ path, dir }) => {
      let best: Buffer | undefined;
      for (const v of pathValues(row.doc, path)) {
        const k = encodeValue(typeof v === 'symbol' ? null : v);
        if (!best || (dir > 0 ? Buffer.compare(k, best) < 0 : Buffer.compare(k, best) > 0)) best = k;
      }
      return best!;
    }),
  }));
  keyed.sort((a, b) => {
    for (let f = 0; f < fields.length; f++) {
      const c = Buffer.compare(a.keys[f]!, b.keys[f]!);
      if (c !== 0) return c * fields[f]!.dir;
    }
    return a.i - b.i;
  });
  return keyed.map((k) => k.row);
}
