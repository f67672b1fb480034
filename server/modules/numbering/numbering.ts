/**
 * How application and registration numbers are written (pure). Per protection type and year of
 * Moroccan legal time: `D-2026-000123` for the 123rd design filed in 2026, `M-` for collective
 * marks, `H-` for heritage entries; registrations carry an `R` before the letter
 * (`RD-2026-000007`) so the two series never collide in GET /registry/:number.
 */
import type { ProtectionType } from '../reference/reference.data.js';

export type NumberKind = 'application' | 'registration';

export const TYPE_LETTER: Record<ProtectionType, string> = {
  industrial_design: 'D',
  collective_mark: 'M',
  heritage_inventory: 'H',
};

export function counterId(kind: NumberKind, type: ProtectionType, year: number): string {
  return `${kind}:${type}:${year}`;
}

export function formatNumber(kind: NumberKind, type: ProtectionType, year: number, seq: number): string {
  const letter = TYPE_LETTER[type];
  return `${kind === 'registration' ? 'R' : ''}${letter}-${year}-${String(seq).padStart(6, '0')}`;
}

const NUMBER_PATTERN = /^(R?)([DMH])-(\d{4})-(\d{6,})$/;

/** Reads a number back into its parts, or undefined when it is not one of ours (e.g. a legacy number). */
export function parseNumber(text: string): { kind: NumberKind; type: ProtectionType; year: number; seq: number } | undefined {
  const m = NUMBER_PATTERN.exec(text);
  if (!m) return undefined;
  const type = (Object.entries(TYPE_LETTER).find(([, l]) => l === m[2])?.[0]) as ProtectionType;
  return { kind: m[1] ? 'registration' : 'application', type, year: Number(m[3]), seq: Number(m[4]) };
}
