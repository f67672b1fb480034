/**
 * Legal time: deadlines end at the end of a calendar day in Morocco (Africa/Casablanca, whose
 * offset changes around Ramadan), and are stored as UTC instants. Pure functions, no clock: the
 * caller passes `now`.
 */
export const LEGAL_TIME_ZONE = 'Africa/Casablanca';

const DAY_MS = 86_400_000;

const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: LEGAL_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(instant: Date): LocalParts {
  const parts = Object.fromEntries(partsFormat.formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Offset of Moroccan legal time from UTC at an instant, in milliseconds (e.g. +3 600 000). */
export function legalOffsetMs(instant: Date): number {
  const p = localParts(instant);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The UTC instant of local midnight starting the given local calendar day (month 1-12; overflow allowed). */
export function legalMidnight(year: number, month: number, day: number): Date {
  const wall = Date.UTC(year, month - 1, day);
  // Two passes settle the offset even when midnight falls next to a change of offset.
  let guess = wall - legalOffsetMs(new Date(wall));
  guess = wall - legalOffsetMs(new Date(guess));
  return new Date(guess);
}

/** The last millisecond of the local calendar day that contains `instant`. */
export function endOfLegalDay(instant: Date): Date {
  const p = localParts(instant);
  return new Date(legalMidnight(p.year, p.month, p.day + 1).getTime() - 1);
}

/** The local calendar year of an instant (numbers are per year of filing in Morocco). */
export function legalYear(instant: Date): number {
  return localParts(instant).year;
}

/**
 * The deadline of a period of `days` (fractions allowed) that opens at `start`: the end of the
 * local day in which start + days falls. A period of 0 means the window is already closed: the
 * deadline is `start` itself, so it has passed by the time anything later looks at it (rounding
 * to the end of the day would silently grant the rest of the day).
 */
export function deadlineAfterDays(start: Date, days: number): Date {
  if (days <= 0) return new Date(start.getTime());
  return endOfLegalDay(new Date(start.getTime() + days * DAY_MS));
}

/** The same local wall-clock moment `months` later (clamped to the month's last day), as UTC. */
export function addLegalMonths(instant: Date, months: number): Date {
  const p = localParts(instant);
  const totalMonths = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(totalMonths / 12);
  const month = (totalMonths % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(p.day, lastDay);
  const midnight = legalMidnight(year, month, day);
  const msIntoDay = ((p.hour * 60 + p.minute) * 60 + p.second) * 1000 + (instant.getTime() % 1000);
  return new Date(midnight.getTime() + msIntoDay);
}

/** The end of the local day `years` after `instant`: the end of a term of protection. */
export function termEnd(instant: Date, years: number): Date {
  return endOfLegalDay(addLegalMonths(instant, years * 12));
}

/** True once a deadline has passed: the deadline instant itself already counts as passed. */
export function hasPassed(deadline: Date | null | undefined, now: Date): boolean {
  return deadline instanceof Date && deadline.getTime() <= now.getTime();
}
