import { Link } from 'react-router-dom';
import { StatusBadge } from '../../../components/StatusBadge';
import { useI18n } from '../../../i18n/i18n';
import { useReference } from '../../../lib/reference';
import { recordNumber, type SearchHit } from '../api/registry';

/** Result cards: the motif first (people recognise it before they read), then what and where. */
export function ResultsGrid({ items }: { items: SearchHit[] }) {
  const { t, pick, formatNumber } = useI18n();
  const { name } = useReference();
  return (
    <ul className="results-grid">
      {items.map((hit) => {
        const number = recordNumber(hit);
        const title = pick(hit.title);
        return (
          <li key={number} className="result-card">
            <Link to={`/records/${encodeURIComponent(number)}`} className="result-link">
              {hit.thumbUrl ? <img src={hit.thumbUrl} alt="" loading="lazy" width={320} height={320} /> : <span className="thumb-placeholder" aria-hidden="true" />}
              <span className="result-title" lang={title.lang || undefined} dir="auto">
                {title.value || number}
              </span>
            </Link>
            <p className="result-meta">
              {[name('protectionTypes', hit.protectionType), name('crafts', hit.craft), name('regions', hit.region)].filter(Boolean).join(' · ')}
            </p>
            <p className="result-meta">
              <span className="number" dir="ltr">
                {number}
              </span>
              {hit.status && <StatusBadge status={hit.status} />}
            </p>
            {hit.similarity !== undefined && (
              <p className="result-score">{t('photo.similarity', { value: formatNumber(hit.similarity, { style: 'percent', maximumFractionDigits: 0 }) })}</p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
