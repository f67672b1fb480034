import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { TextField } from '../../../components/Fields';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { StatusBadge } from '../../../components/StatusBadge';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { useReference } from '../../../lib/reference';
import { getGazette, recordNumber } from '../api/registry';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** What was published and registered in a period (the last 30 days unless asked otherwise). */
export function GazettePage() {
  const { t, pick, formatDate } = useI18n();
  const { name } = useReference();
  const [range, setRange] = useState(() => ({ from: day(new Date(Date.now() - 30 * 86_400_000)), to: day(new Date()) }));
  const { data, error, loading } = useAsync(
    (signal) => getGazette(new Date(range.from).toISOString(), new Date(`${range.to}T23:59:59.999Z`).toISOString(), signal),
    [range.from, range.to],
  );

  return (
    <section>
      <PageTitle title={t('gazette.title')}>{t('gazette.title')}</PageTitle>
      <p>{t('gazette.intro')}</p>
      <div className="row">
        <TextField label={t('gazette.from')} type="date" value={range.from} max={range.to} onChange={(e) => e.target.value && setRange({ ...range, from: e.target.value })} />
        <TextField label={t('gazette.to')} type="date" value={range.to} min={range.from} onChange={(e) => e.target.value && setRange({ ...range, to: e.target.value })} />
      </div>
      <ErrorMessage error={error} />
      {loading ? (
        <Loading />
      ) : data && data.length ? (
        <ul className="list">
          {data.map((e) => {
            const n = recordNumber(e);
            const title = pick(e.title);
            return (
              <li key={`${n}-${e.status}`} className="list-item">
                <Link to={`/records/${encodeURIComponent(n)}`} lang={title.lang || undefined}>
                  {title.value || n}
                </Link>
                <span className="muted" dir="ltr">
                  {n}
                </span>
                {e.status && <StatusBadge status={e.status} />}
                <span className="muted">{name('protectionTypes', e.protectionType)}</span>
                <span className="muted">{formatDate(e.registeredAt ?? e.publishedAt)}</span>
              </li>
            );
          })}
        </ul>
      ) : (
        <p>{t('gazette.empty')}</p>
      )}
    </section>
  );
}
