import { useParams } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { StatusBadge } from '../../../components/StatusBadge';
import { useAsync } from '../../../hooks/use-async';
import { LANGUAGE_NAMES, isLocale, useI18n, type Multilingual } from '../../../i18n/i18n';
import type { MessageKey } from '../../../i18n/en';
import { useReference } from '../../../lib/reference';
import { certificateUrl, getRecord, recordNumber, type PublicRecord } from '../api/registry';
import { OppositionForm } from './OppositionForm';

const LANGUAGE_LABEL = (lang: string) => (isLocale(lang) ? LANGUAGE_NAMES[lang] : lang === 'zgh' ? 'ⵜⴰⵎⴰⵣⵉⵖⵜ' : lang);

/** Every language the record was given in, each marked with its own language and direction. */
function AllLanguages({ text, as: Tag }: { text?: Multilingual; as: 'p' | 'h2' }) {
  const entries = Object.entries(text ?? {}).filter(([, v]) => v);
  if (!entries.length) return null;
  return (
    <dl className="languages">
      {entries.map(([lang, value]) => (
        <div key={lang} className="language-entry">
          <dt>{LANGUAGE_LABEL(lang)}</dt>
          <dd>
            <Tag lang={lang} dir={lang === 'ar' ? 'rtl' : 'ltr'}>
              {value}
            </Tag>
          </dd>
        </div>
      ))}
    </dl>
  );
}

const DATES: Array<[keyof PublicRecord, MessageKey]> = [
  ['filedAt', 'record.filedAt'],
  ['publishedAt', 'record.publishedAt'],
  ['oppositionEndsAt', 'record.oppositionEndsAt'],
  ['registeredAt', 'record.registeredAt'],
  ['expiresAt', 'record.expiresAt'],
];

export function RecordPage() {
  const { number = '' } = useParams();
  const { t, pick, formatDate } = useI18n();
  const { name } = useReference();
  const { data: record, error, loading, reload } = useAsync((signal) => getRecord(number, signal), [number]);

  if (loading && !record) return <Loading />;
  if (error || !record) return <ErrorMessage error={error} />;
  const title = pick(record.title);
  const opposable = record.status === 'published' && record.oppositionEndsAt && new Date(record.oppositionEndsAt) > new Date();
  const number_ = recordNumber(record);

  return (
    <article className="record">
      <PageTitle title={title.value}>
        <span lang={title.lang || undefined}>{title.value}</span>
      </PageTitle>
      <p className="record-status">
        <StatusBadge status={record.status} /> <span>{name('protectionTypes', record.protectionType)}</span>
      </p>
      <div className="record-layout">
        <div className="record-images">
          {record.images.map((img, i) => (
            <a key={img.id} href={img.urls.display} className="record-image">
              <img src={img.urls.display} alt={t('record.imageAlt', { n: i + 1, title: title.value })} width={img.width} height={img.height} loading={i ? 'lazy' : 'eager'} />
            </a>
          ))}
          {record.images.length === 0 && <p className="muted">{t('record.noImages')}</p>}
        </div>
        <div className="record-facts">
          <h2>{t('record.titles')}</h2>
          <AllLanguages text={record.title} as="p" />
          {record.description && Object.keys(record.description).length > 0 && (
            <>
              <h2>{t('record.description')}</h2>
              <AllLanguages text={record.description} as="p" />
            </>
          )}
          <h2>{t('record.details')}</h2>
          <dl className="facts">
            {record.registrationNumber && <Fact label={t('record.registrationNumber')} value={<span dir="ltr">{record.registrationNumber}</span>} />}
            {record.applicationNumber && <Fact label={t('record.applicationNumber')} value={<span dir="ltr">{record.applicationNumber}</span>} />}
            <Fact label={t('field.craft')} value={name('crafts', record.craft)} />
            <Fact label={t('field.region')} value={name('regions', record.region)} />
            {record.community && <Fact label={t('field.community')} value={<span dir="auto">{record.community}</span>} />}
            {record.owner?.fullName && <Fact label={t('record.owner')} value={<span dir="auto">{record.owner.fullName}</span>} />}
            {record.techniques?.length ? <Fact label={t('field.techniques')} value={record.techniques.join(', ')} /> : null}
            {record.materials?.length ? <Fact label={t('field.materials')} value={record.materials.join(', ')} /> : null}
            {record.locarnoClass && <Fact label={t('field.locarnoClass')} value={`${record.locarnoClass} — ${name('locarnoClasses', record.locarnoClass)}`} />}
            {record.niceClasses?.length ? <Fact label={t('field.niceClasses')} value={record.niceClasses.map((c) => name('niceClasses', String(c))).join(', ')} /> : null}
            {DATES.map(([key, label]) =>
              record[key] ? <Fact key={key} label={t(label)} value={<time dateTime={String(record[key])}>{formatDate(String(record[key]))}</time>} /> : null,
            )}
          </dl>
          {record.tkLabel && (
            <aside className="tk-label" aria-label={t('record.tkLabel')}>
              <span className="tk-mark" aria-hidden="true">
                TK
              </span>
              <div>
                <strong>{name('tkLabels', record.tkLabel)}</strong>
                <p className="small">{t('record.tkExplain')}</p>
              </div>
            </aside>
          )}
          {record.registrationNumber && (record.status === 'registered' || record.status === 'lapsed') && (
            <p>
              <a className="button button-secondary" href={certificateUrl(record.registrationNumber)} download>
                {t('record.certificate')}
              </a>
            </p>
          )}
        </div>
      </div>
      {opposable && <OppositionForm number={number_} endsAt={record.oppositionEndsAt!} onFiled={reload} />}
    </article>
  );
}

function Fact({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
