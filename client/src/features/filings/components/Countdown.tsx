import { useEffect, useState } from 'react';
import { useI18n } from '../../../i18n/i18n';

const DAY = 86_400_000;

/** Days (then hours) left before a deadline, red when little time remains. */
export function Countdown({ until }: { until: string }) {
  const { t, formatDate } = useI18n();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const left = new Date(until).getTime() - now;
  const days = Math.floor(left / DAY);
  const hours = Math.max(0, Math.floor((left % DAY) / 3_600_000));
  const text = left <= 0 ? t('deadline.passed') : days >= 1 ? t('deadline.days', { n: days }) : t('deadline.hours', { n: hours });
  return (
    <span className={`countdown${left < 7 * DAY ? ' urgent' : ''}`}>
      <strong>{text}</strong> <span className="muted">({t('deadline.until', { date: formatDate(until) })})</span>
    </span>
  );
}
