import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { ApiError } from '../../../lib/api-client';
import { useReference } from '../../../lib/reference';
import { verifyCertificate } from '../api/registry';

/** What the certificate's QR code opens: one clear answer first, the details after. */
export function VerifyPage() {
  const { number = '' } = useParams();
  const [params] = useSearchParams();
  const sig = params.get('sig') ?? '';
  const { t, pick, formatDate } = useI18n();
  const { name } = useReference();
  const { data, error, loading } = useAsync((signal) => verifyCertificate(number, sig, signal), [number, sig]);

  const unknown = error instanceof ApiError && (error.status === 404 || error.status === 400);
  const genuine = data?.valid === true;
  const record = data?.record;
  return (
    <section className="narrow">
      <PageTitle title={t('verify.title')}>{t('verify.title')}</PageTitle>
      <p>
        {t('verify.number')} <strong dir="ltr">{number}</strong>
      </p>
      {loading ? (
        <Loading />
      ) : data || unknown ? (
        <div className={`verdict ${genuine ? 'verdict-ok' : 'verdict-bad'}`} role="status">
          <span className="verdict-icon" aria-hidden="true">
            {genuine ? '✓' : '✗'}
          </span>
          <div>
            <p className="verdict-title">{genuine ? t('verify.genuine') : t('verify.mismatch')}</p>
            <p>{genuine ? t('verify.genuineExplain') : unknown ? t('verify.unknownExplain') : t('verify.mismatchExplain')}</p>
          </div>
        </div>
      ) : (
        <ErrorMessage error={error} />
      )}
      {record && (
        <dl className="facts card">
          <div className="fact">
            <dt>{t('record.titles')}</dt>
            <dd lang={pick(record.title).lang || undefined}>{pick(record.title).value}</dd>
          </div>
          <div className="fact">
            <dt>{t('field.status')}</dt>
            <dd>{name('statuses', record.status)}</dd>
          </div>
          {record.owner?.fullName && (
            <div className="fact">
              <dt>{t('record.owner')}</dt>
              <dd dir="auto">{record.owner.fullName}</dd>
            </div>
          )}
          {record.registeredAt && (
            <div className="fact">
              <dt>{t('record.registeredAt')}</dt>
              <dd>{formatDate(record.registeredAt)}</dd>
            </div>
          )}
          {record.expiresAt && (
            <div className="fact">
              <dt>{t('record.expiresAt')}</dt>
              <dd>{formatDate(record.expiresAt)}</dd>
            </div>
          )}
        </dl>
      )}
      {(record || !unknown) && (
        <p>
          <Link to={`/records/${encodeURIComponent(number)}`}>{t('verify.openRecord')}</Link>
        </p>
      )}
    </section>
  );
}
