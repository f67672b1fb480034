/** What every command handler receives. */
import type { Document } from 'bson';
import type { Engine } from '../engine.js';

export interface CommandContext {
  engine: Engine;
  /** Database the command runs against (`$db`). */
  db: string;
  connectionId: number;
  remoteAddress: string;
}

export type Handler = (cmd: Document, ctx: CommandContext) => Document;

export function int(v: unknown, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  const n = Number(typeof v === 'object' && v && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : v);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}
