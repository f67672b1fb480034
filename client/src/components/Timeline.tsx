import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { useReference } from '../lib/reference';

export interface HistoryEvent {
  from?: string;
  to: string;
  action: string;
  by?: string;
  at: string;
  reason?: string;
}

const ACTIONS = ['create', 'submit', 'claim', 'request_correction', 'resubmit', 'accept_formalities', 'approve', 'refuse', 'withdraw', 'decide_opposition', 'renew', 'oppose', 'register', 'expire', 'lapse', 'import'];

/** Every move of a filing, oldest first, as an ordered list. */
export function Timeline({ events }: { events: HistoryEvent[] }) {
  const { t, formatDateTime } = useI18n();
  const { name } = useReference();
  if (!events.length) return <p className="muted">{t('timeline.empty')}</p>;
  return (
    <ol className="timeline">
      {events.map((e, i) => (
        <li key={`${e.at}-${i}`}>
          <time dateTime={e.at}>{formatDateTime(e.at)}</time>
          <span className="timeline-what">
            {ACTIONS.includes(e.action) ? t(`action.${e.action}` as MessageKey) : e.action} → <strong>{name('statuses', e.to)}</strong>
          </span>
          {e.reason && (
            <p className="timeline-reason" dir="auto">
              {e.reason}
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}
