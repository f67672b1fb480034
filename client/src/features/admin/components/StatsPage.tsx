import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { useReference } from '../../../lib/reference';
import { getStats } from '../api/admin';
import { BarChart } from './BarChart';

const LOCALE_TAGS = { ar: 'ar-MA', fr: 'fr-MA', en: 'en-GB' } as const;

export function StatsPage() {
  const { t, locale, formatNumber } = useI18n();
  const { name } = useReference();
  const { data, error, loading } = useAsync((signal) => getStats(signal), []);
  const month = (key: string) => {
    const d = new Date(`${key.slice(0, 7)}-01T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? key : new Intl.DateTimeFormat(LOCALE_TAGS[locale], { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(d);
  };
  return (
    <section>
      <PageTitle title={t('admin.stats')}>{t('admin.stats')}</PageTitle>
      <ErrorMessage error={error} />
      {loading && !data ? (
        <Loading />
      ) : data ? (
        <>
          <p className="big-number">
            {t('stats.median')}: <strong>{data.medianDaysToDecision === undefined ? '—' : t('stats.days', { n: formatNumber(Math.round(data.medianDaysToDecision * 10) / 10) })}</strong>
          </p>
          <div className="charts">
            <BarChart title={t('stats.byMonth')} data={data.byMonth} label={month} />
            <BarChart title={t('stats.byType')} data={data.byType} label={(k) => name('protectionTypes', k)} />
            <BarChart title={t('stats.byStatus')} data={data.byStatus} label={(k) => name('statuses', k)} />
            <BarChart title={t('stats.byCraft')} data={data.byCraft} label={(k) => name('crafts', k)} />
            <BarChart title={t('stats.byRegion')} data={data.byRegion} label={(k) => name('regions', k)} />
          </div>
        </>
      ) : null}
    </section>
  );
}
