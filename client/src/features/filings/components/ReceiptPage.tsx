import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { downloadReceiptPdf, getReceipt } from '../api/filings';

/** The signed filing receipt: proof of what was filed and when, to keep. */
export function ReceiptPage() {
  const { id = '' } = useParams();
  const { t, formatDateTime } = useI18n();
  const { data: r, error, loading } = useAsync((signal) => getReceipt(id, signal), [id]);
  const [pdfError, setPdfError] = useState<unknown>();

  if (loading && !r) return <Loading />;
  if (!r) return <ErrorMessage error={error} />;
  const files = [...(r.files ?? []), ...(r.images ?? []), ...(r.documents ?? [])] as Array<{ fileName?: string; id?: string; kind?: string; sha256: string }>;
  return (
    <section className="narrow">
      <PageTitle title={t('receipt.title')}>{t('receipt.title')}</PageTitle>
      <div className="alert alert-success" role="status">
        <p>{t('receipt.thanks')}</p>
      </div>
      <dl className="facts card">
        <div className="fact">
          <dt>{t('record.applicationNumber')}</dt>
          <dd dir="ltr" className="receipt-number">
            {String(r.applicationNumber ?? '')}
          </dd>
        </div>
        <div className="fact">
          <dt>{t('record.filedAt')}</dt>
          <dd>{formatDateTime(typeof r.filedAt === 'string' ? r.filedAt : undefined)}</dd>
        </div>
      </dl>
      {files.length > 0 && (
        <>
          <h2>{t('receipt.files')}</h2>
          <ul className="hashes">
            {files.map((f, i) => (
              <li key={`${f.sha256}-${i}`}>
                <span dir="auto">{f.fileName ?? f.kind ?? f.id}</span>
                <code dir="ltr">{f.sha256}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {r.signature && (
        <>
          <h2>{t('receipt.signature')}</h2>
          <p className="small">{t('receipt.signatureExplain')}</p>
          <code className="signature" dir="ltr">
            {r.signature}
          </code>
        </>
      )}
      <p className="actions">
        <button type="button" className="button" onClick={() => void downloadReceiptPdf(id, `receipt-${String(r.applicationNumber ?? id)}.pdf`).catch(setPdfError)}>
          {t('receipt.pdf')}
        </button>
        <Link to={`/filings/${id}`}>{t('receipt.follow')}</Link>
      </p>
      <ErrorMessage error={pdfError} />
    </section>
  );
}
