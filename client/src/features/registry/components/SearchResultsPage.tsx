import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { FILTER_KEYS, searchRegistry, type SearchFilters, type SearchHit } from '../api/registry';
import { Filters } from './Filters';
import { PhotoPicker } from './PhotoPicker';
import { ResultsGrid } from './ResultsGrid';
import { SearchBox } from './SearchBox';

/** Words and filters live in the address, so a search can be shared, bookmarked and gone back to. */
export function SearchResultsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters: SearchFilters = { q: params.get('q') ?? undefined };
  for (const key of FILTER_KEYS) filters[key] = params.get(key) ?? undefined;
  const key = params.toString();
  const [more, setMore] = useState<{ key: string; items: SearchHit[]; cursor?: string }>({ key: '', items: [] });
  const { data, error, loading } = useAsync((signal) => searchRegistry(filters, signal), [key]);

  const update = (next: SearchFilters) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) p.set(k, v);
    setParams(p);
  };
  const extra = more.key === key ? more : { items: [], cursor: undefined };
  const items = [...(data?.items ?? []), ...extra.items];
  const cursor = extra.items.length ? extra.cursor : data?.nextCursor;
  const loadMore = async () => {
    const page = await searchRegistry({ ...filters, cursor });
    setMore({ key, items: [...extra.items, ...page.items], cursor: page.nextCursor });
  };

  return (
    <section>
      <PageTitle title={t('search.title')}>{t('search.title')}</PageTitle>
      <div className="search-top">
        <SearchBox initial={filters.q ?? ''} onSearch={(q) => update({ ...filters, q: q || undefined })} />
        <PhotoPicker onPick={(file) => navigate('/search/photo', { state: { file } })} />
      </div>
      <div className="search-layout">
        <Filters value={filters} onChange={update} />
        <div className="search-results" aria-live="polite" aria-busy={loading}>
          <ErrorMessage error={error} />
          {loading && !data ? (
            <Loading />
          ) : data ? (
            <>
              <p className="result-count">{filters.q ? t('search.countFor', { n: data.total, q: filters.q }) : t('search.count', { n: data.total })}</p>
              {items.length === 0 ? <p>{t('search.none')}</p> : <ResultsGrid items={items} />}
              {cursor && (
                <button type="button" className="button button-secondary" onClick={() => void loadMore()}>
                  {t('common.more')}
                </button>
              )}
            </>
          ) : null}
        </div>
      </div>
    </section>
  );
}
