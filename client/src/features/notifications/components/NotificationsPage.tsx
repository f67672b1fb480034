import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { useAuth } from '../../../lib/auth';
import { listNotifications, markRead } from '../api/notifications';

/** Messages about the user's filings, newest first; opening one marks it read. */
export function NotificationsPage() {
  const { t, formatDateTime } = useI18n();
  const { user } = useAuth();
  const { data, error, loading, setData } = useAsync((signal) => listNotifications(signal), []);
  const staff = user?.role === 'examiner' || user?.role === 'admin';

  const read = (id: string) => {
    void markRead(id).then(() =>
      setData((d) => d && { ...d, items: d.items.map((n) => (n.id === id ? { ...n, readAt: new Date().toISOString() } : n)) }),
    );
  };

  return (
    <section>
      <PageTitle title={t('notifications.title')}>{t('notifications.title')}</PageTitle>
      <ErrorMessage error={error} />
      {loading && !data ? (
        <Loading />
      ) : !data?.items.length ? (
        <p>{t('notifications.none')}</p>
      ) : (
        <ul className="list">
          {data.items.map((n) => (
            <li key={n.id} className={`list-item notification${n.readAt ? '' : ' unread'}`}>
              {!n.readAt && <span className="visually-hidden">{t('notifications.unread')}</span>}
              <p dir="auto">{n.message}</p>
              <p className="small muted">
                <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
              </p>
              <p className="actions">
                {n.applicationId && (
                  <Link to={staff ? `/exam/${n.applicationId}` : `/filings/${n.applicationId}`} onClick={() => !n.readAt && read(n.id)}>
                    {t('notifications.open')}
                  </Link>
                )}
                {!n.readAt && (
                  <button type="button" className="link-button" onClick={() => read(n.id)}>
                    {t('notifications.markRead')}
                  </button>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
