import { Link, useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { SelectField } from '../../../components/Fields';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { StatusBadge } from '../../../components/StatusBadge';
import { Text } from '../../../components/Text';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { useReference } from '../../../lib/reference';
import { listQueue, queueCounts, QUEUE_STATUSES, type QueueFilters } from '../api/examination';

const FILTERS = ['protectionType', 'craft', 'region'] as const;
const KIND = { protectionType: 'protectionTypes', craft: 'crafts', region: 'regions' } as const;

/** The work queue: counts per state as tabs, filters, and the filings oldest-filed first to hand. */
export function QueuePage() {
  const { t, formatDate, formatNumber } = useI18n();
  const { entries, name } = useReference();
  const [params, setParams] = useSearchParams();
  const filters: QueueFilters = { status: params.get('status') ?? undefined };
  for (const k of [...FILTERS, 'assignedTo'] as const) filters[k] = params.get(k) ?? undefined;
  const { status: _status, ...others } = filters;
  const counts = useAsync((signal) => queueCounts(others, signal), [JSON.stringify(others)]);
  const total = counts.data ? Object.values(counts.data).reduce((a, b) => a + b, 0) : undefined;
  const { data, error, loading } = useAsync((signal) => listQueue(filters, signal), [params.toString()]);
  const set = (key: string, value: string | undefined) => {
    const p = new URLSearchParams(params);
    if (value) p.set(key, value);
    else p.delete(key);
    setParams(p);
  };

  return (
    <section>
      <PageTitle title={t('queue.title')}>{t('queue.title')}</PageTitle>
      <nav aria-label={t('queue.byStatus')}>
        <ul className="tabs">
          <li>
            <button type="button" aria-pressed={!filters.status} onClick={() => set('status', undefined)}>
              {t('queue.all')} <span className="count">{total === undefined ? '…' : formatNumber(total)}</span>
            </button>
          </li>
          {QUEUE_STATUSES.map((s) => (
            <li key={s}>
              <button type="button" aria-pressed={filters.status === s} onClick={() => set('status', s)}>
                {name('statuses', s)} <span className="count">{counts.data ? formatNumber(counts.data[s] ?? 0) : '…'}</span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="filters filters-inline">
        {FILTERS.map((key) => (
          <SelectField
            key={key}
            label={t(key === 'protectionType' ? 'field.protectionType' : key === 'craft' ? 'field.craft' : 'field.region')}
            value={filters[key] ?? ''}
            placeholder={t('search.any')}
            options={entries(KIND[key]).map((e) => ({ value: e.code, label: name(KIND[key], e.code) }))}
            onChange={(e) => set(key, e.target.value)}
          />
        ))}
        <SelectField
          label={t('queue.assigned')}
          value={filters.assignedTo ?? ''}
          placeholder={t('queue.anyone')}
          options={[{ value: 'me', label: t('queue.me') }]}
          onChange={(e) => set('assignedTo', e.target.value)}
        />
      </div>
      <ErrorMessage error={error ?? counts.error} />
      {loading && !data ? (
        <Loading />
      ) : !data?.items.length ? (
        <p>{t('queue.empty')}</p>
      ) : (
        <table className="table queue-table">
          <caption className="visually-hidden">{t('queue.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('record.applicationNumber')}</th>
              <th scope="col">{t('record.titles')}</th>
              <th scope="col">{t('field.protectionType')}</th>
              <th scope="col">{t('field.craft')}</th>
              <th scope="col">{t('record.filedAt')}</th>
              <th scope="col">{t('queue.age')}</th>
              <th scope="col">{t('field.status')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((f) => (
              <tr key={f.id}>
                <td dir="ltr">
                  <Link to={`/exam/${f.id}`}>{f.applicationNumber ?? f.id.slice(-6)}</Link>
                </td>
                <td>
                  <Link to={`/exam/${f.id}`}>
                    <Text value={f.title} />
                  </Link>
                </td>
                <td>{name('protectionTypes', f.protectionType)}</td>
                <td>{name('crafts', f.craft)}</td>
                <td>{formatDate(f.filedAt)}</td>
                <td>{t('stats.days', { n: f.ageDays })}</td>
                <td>
                  <StatusBadge status={f.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
