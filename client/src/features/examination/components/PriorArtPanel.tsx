import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { StatusBadge } from '../../../components/StatusBadge';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { getSimilar } from '../api/examination';

/** The most similar registered and pending motifs, with the score and what matched. */
export function PriorArtPanel({ id }: { id: string }) {
  const { t, pick, formatNumber } = useI18n();
  const { data, error, loading } = useAsync((signal) => getSimilar(id, signal), [id]);
  return (
    <section className="prior-art" aria-labelledby="prior-art-title">
      <h2 id="prior-art-title">{t('review.priorArt')}</h2>
      <ErrorMessage error={error} />
      {loading && !data ? (
        <Loading />
      ) : !data?.length ? (
        <p className="muted">{t('review.noPriorArt')}</p>
      ) : (
        <ol className="prior-list">
          {data.map((p, i) => {
            const title = pick(p.title);
            const number = p.registrationNumber ?? p.applicationNumber;
            const target = p.id ? `/exam/${p.id}` : number ? `/records/${encodeURIComponent(number)}` : undefined;
            return (
              <li key={`${p.id ?? number}-${p.matchedBy}-${i}`} className="prior-item">
                {p.thumbUrl ? <img src={p.thumbUrl} alt="" width={96} height={96} /> : <span className="thumb-placeholder small-thumb" aria-hidden="true" />}
                <div>
                  <p>
                    {target ? (
                      <Link to={target} lang={title.lang || undefined}>
                        {title.value || number}
                      </Link>
                    ) : (
                      <span lang={title.lang || undefined}>{title.value}</span>
                    )}
                  </p>
                  <p className="small">
                    {number && <span dir="ltr">{number} </span>}
                    <StatusBadge status={p.status} />
                  </p>
                  <p className="score">
                    <meter min={0} max={1} value={p.similarity} aria-label={t('review.similarity')} />{' '}
                    {formatNumber(p.similarity, { style: 'percent', maximumFractionDigits: 0 })} · {t(p.matchedBy === 'image' ? 'review.byImage' : 'review.byText')}
                  </p>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
