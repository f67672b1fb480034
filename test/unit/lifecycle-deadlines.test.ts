import assert from 'node:assert/strict';
import {
  addLegalMonths,
  deadlineAfterDays,
  endOfLegalDay,
  hasPassed,
  legalOffsetMs,
  legalYear,
  termEnd,
} from '../../server/modules/lifecycle/deadlines.js';

describe('legal deadlines in Africa/Casablanca (server/modules/lifecycle/deadlines.ts)', () => {
  it('When Morocco is on UTC+1, then the end of the day is 22:59:59.999 UTC', () => {
    assert.equal(legalOffsetMs(new Date('2026-05-10T10:00:00Z')), 3_600_000);
    assert.equal(endOfLegalDay(new Date('2026-05-10T10:00:00Z')).toISOString(), '2026-05-10T22:59:59.999Z');
  });

  it('When it is already the next local day (23:30 UTC on UTC+1), then the deadline is the end of that next day', () => {
    assert.equal(endOfLegalDay(new Date('2026-05-10T23:30:00Z')).toISOString(), '2026-05-11T22:59:59.999Z');
  });

  it('When Morocco is on UTC+0 during Ramadan, then the end of the day is 23:59:59.999 UTC', () => {
    assert.equal(legalOffsetMs(new Date('2026-03-01T12:00:00Z')), 0);
    assert.equal(endOfLegalDay(new Date('2026-03-01T12:00:00Z')).toISOString(), '2026-03-01T23:59:59.999Z');
  });

  it('When a period is 0 days, then the deadline is the start itself (closed at once), not the end of the day', () => {
    const start = new Date('2026-05-10T10:00:00Z');
    const deadline = deadlineAfterDays(start, 0);
    assert.equal(deadline.getTime(), start.getTime());
    assert.ok(hasPassed(deadline, start));
    assert.ok(hasPassed(deadline, new Date(start.getTime() + 1)));
  });

  it('When a period is a fraction of a day, then it ends at the end of the local day it reaches', () => {
    assert.equal(deadlineAfterDays(new Date('2026-05-10T10:00:00Z'), 0.25).toISOString(), '2026-05-10T22:59:59.999Z');
    assert.equal(deadlineAfterDays(new Date('2026-05-10T20:00:00Z'), 0.25).toISOString(), '2026-05-11T22:59:59.999Z');
  });

  it('When a deadline has not yet come, then it has not passed', () => {
    assert.equal(hasPassed(new Date('2026-05-10T22:59:59.999Z'), new Date('2026-05-10T22:59:59.998Z')), false);
    assert.equal(hasPassed(undefined, new Date()), false);
  });

  it('When adding months to the 31st, then the day is clamped to the month end, at the same local time', () => {
    // 12:00 in Morocco both times: UTC+1 in January, UTC+0 during Ramadan 2026.
    assert.equal(addLegalMonths(new Date('2026-01-31T11:00:00Z'), 1).toISOString(), '2026-02-28T12:00:00.000Z');
    assert.equal(addLegalMonths(new Date('2026-07-31T11:00:00Z'), -6).toISOString(), '2026-01-31T11:00:00.000Z');
  });

  it('When a term of years is counted, then it ends at the end of the same local date that many years on', () => {
    assert.equal(termEnd(new Date('2026-05-10T10:00:00Z'), 5).toISOString(), '2031-05-10T22:59:59.999Z');
    assert.equal(termEnd(new Date('2028-02-29T10:00:00Z'), 10).toISOString(), '2038-02-28T22:59:59.999Z');
  });

  it('When the UTC year has turned but not Moroccan time (or the reverse), then the legal year is the local one', () => {
    assert.equal(legalYear(new Date('2026-12-31T23:30:00Z')), 2027);
    assert.equal(legalYear(new Date('2027-01-01T00:30:00Z')), 2027);
  });
});
