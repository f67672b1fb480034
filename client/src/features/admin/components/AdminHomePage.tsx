import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { PageTitle } from '../../../components/PageTitle';
import { useI18n } from '../../../i18n/i18n';
import { runJobs } from '../api/admin';

export function AdminHomePage() {
  const { t } = useI18n();
  const [moved, setMoved] = useState<number>();
  const [error, setError] = useState<unknown>();
  return (
    <section>
      <PageTitle title={t('admin.title')}>{t('admin.title')}</PageTitle>
      <ul className="tiles">
        {(
          [
            ['/admin/users', 'admin.users', 'admin.usersHint'],
            ['/admin/import', 'admin.import', 'admin.importHint'],
            ['/admin/stats', 'admin.stats', 'admin.statsHint'],
            ['/admin/audit', 'admin.audit', 'admin.auditHint'],
            ['/exam', 'nav.queue', 'admin.queueHint'],
          ] as const
        ).map(([to, label, hint]) => (
          <li key={to} className="tile">
            <h2>
              <Link to={to}>{t(label)}</Link>
            </h2>
            <p>{t(hint)}</p>
          </li>
        ))}
      </ul>
      <section className="card">
        <h2>{t('admin.jobs')}</h2>
        <p>{t('admin.jobsHint')}</p>
        <button type="button" className="button button-secondary" onClick={() => void runJobs().then((r) => setMoved(r.moved), setError)}>
          {t('admin.jobsRun')}
        </button>
        {moved !== undefined && <p role="status">{t('admin.jobsMoved', { n: moved })}</p>}
        <ErrorMessage error={error} />
      </section>
    </section>
  );
}
