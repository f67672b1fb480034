import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { Text } from '../../../components/Text';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { useAuth } from '../../../lib/auth';
import { useReference } from '../../../lib/reference';
import { downloadReceiptPdf, getReceipt } from '../api/filings';

/** The signed filing receipt: proof of what was filed and when, to keep. */
export function ReceiptPage() {
  const { id = '' } = useParams();
  const { t, formatDateTime, formatNumber } = useI18n();
  const { user } = useAuth();
  const { name } = useReference();
  const { data: r, error, loading } = useAsync((signal) => getReceipt(id, signal), [id]);
  const [pdfError, setPdfError] = useState<unknown>();

  if (loading && !r) return <Loading />;
  if (!r) return <ErrorMessage error={error} />;
  const owner = user?.role === 'artisan' || user?.role === 'cooperative';
  return (
    <section className="narrow">
      <PageTitle title={t('receipt.title')}>{t('receipt.title')}</PageTitle>
      {owner && (
        <div className="alert alert-success" role="status">
          <p>{t('receipt.thanks')}</p>
        </div>
      )}
      <dl className="facts card">
        <div className="fact">
          <dt>{t('record.applicationNumber')}</dt>
          <dd dir="ltr" className="receipt-number">
            {r.applicationNumber}
          </dd>
        </div>
        <div className="fact">
          <dt>{t('record.filedAt')}</dt>
          <dd>{formatDateTime(r.filedAt)}</dd>
        </div>
        <div className="fact">
          <dt>{t('record.titles')}</dt>
          <dd>
            <Text value={r.title} />
          </dd>
        </div>
        <div className="fact">
          <dt>{t('field.protectionType')}</dt>
          <dd>{name('protectionTypes', r.protectionType)}</dd>
        </div>
        <div className="fact">
          <dt>{t('record.owner')}</dt>
          <dd dir="auto">{r.applicant.name}</dd>
        </div>
      </dl>
      <h2>{t('receipt.files')}</h2>
      <ul className="hashes">
        {r.files.map((f) => (
          <li key={f.id}>
            <span dir="auto">
              {f.fileName ?? (f.role === 'image' ? t('receipt.image') : t('doc.other'))} · {formatNumber(f.bytes / 1024, { maximumFractionDigits: 0 })} KB
            </span>
            <code dir="ltr">{f.sha256}</code>
          </li>
        ))}
      </ul>
      <h2>{t('receipt.signature')}</h2>
      <p className="small">{t('receipt.signatureExplain')}</p>
      <code className="signature" dir="ltr">
        {r.signature.algorithm} · {r.signature.keyId} · {r.signature.value}
      </code>
      <p className="actions">
        <button type="button" className="button" onClick={() => void downloadReceiptPdf(id, `receipt-${r.applicationNumber}.pdf`).catch(setPdfError)}>
          {t('receipt.pdf')}
        </button>
        {owner && <Link to={`/filings/${id}`}>{t('receipt.follow')}</Link>}
      </p>
      <ErrorMessage error={pdfError} />
    </section>
  );
}
