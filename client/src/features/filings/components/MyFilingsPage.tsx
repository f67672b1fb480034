import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { StatusBadge } from '../../../components/StatusBadge';
import { Text } from '../../../components/Text';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { useReference } from '../../../lib/reference';
import { EDITABLE, listFilings, renewalOpen, type Filing } from '../api/filings';
import { Countdown } from './Countdown';

/** What is asked of the artisan on this filing now, if anything. */
export function askedOf(f: Filing): 'finish' | 'correct' | 'renew' | undefined {
  if (f.status === 'draft') return 'finish';
  if (f.status === 'correction_requested') return 'correct';
  if (renewalOpen(f)) return 'renew';
  return undefined;
}

export function MyFilingsPage() {
  const { t, formatDate } = useI18n();
  const { name } = useReference();
  const { data, error, loading } = useAsync((signal) => listFilings({}, signal), []);
  const items = data?.items ?? [];
  const needing = items.filter((f) => askedOf(f));

  return (
    <section>
      <PageTitle title={t('mine.title')}>{t('mine.title')}</PageTitle>
      <p>
        <Link to="/filings/new" className="button">
          {t('nav.newFiling')}
        </Link>
      </p>
      <ErrorMessage error={error} />
      {loading && !data ? (
        <Loading />
      ) : items.length === 0 ? (
        <p>{t('mine.none')}</p>
      ) : (
        <>
          {needing.length > 0 && (
            <p className="alert alert-warn" role="status">
              {t('mine.needing', { n: needing.length })}
            </p>
          )}
          <ul className="filing-list">
            {items.map((f) => {
              const asked = askedOf(f);
              return (
                <li key={f.id} className="filing-card">
                  {f.images[0] ? <img src={f.images[0].urls.thumb} alt="" width={80} height={80} /> : <span className="thumb-placeholder small-thumb" aria-hidden="true" />}
                  <div className="filing-card-body">
                    <Link to={`/filings/${f.id}`} className="filing-title">
                      <Text value={f.title} />
                    </Link>
                    <p className="small muted">
                      {name('protectionTypes', f.protectionType)} · {f.applicationNumber ? <bdi dir="ltr">{f.applicationNumber}</bdi> : t('mine.notFiled')} · <bdi>{formatDate(f.filedAt ?? f.createdAt)}</bdi>
                    </p>
                    <p>
                      <StatusBadge status={f.status} />
                    </p>
                    {asked && (
                      <p className="asked">
                        <strong>{t(`asked.${asked}`)}</strong>{' '}
                        {asked === 'correct' && f.correctionDeadline && <Countdown until={f.correctionDeadline} />}
                        {asked === 'renew' && f.expiresAt && <Countdown until={f.expiresAt} />}{' '}
                        {EDITABLE.includes(f.status) && <Link to={`/filings/${f.id}/edit`}>{t('mine.continue')}</Link>}
                      </p>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
