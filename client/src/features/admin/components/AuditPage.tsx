import { useState } from 'react';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { PageTitle } from '../../../components/PageTitle';
import { useI18n } from '../../../i18n/i18n';
import { verifyAudit, type AuditCheck } from '../api/admin';

/** Recomputes the audit log's hash chain on the server and says whether it is intact. */
export function AuditPage() {
  const { t } = useI18n();
  const [result, setResult] = useState<AuditCheck>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const check = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await verifyAudit());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="narrow">
      <PageTitle title={t('admin.audit')}>{t('admin.audit')}</PageTitle>
      <p>{t('audit.intro')}</p>
      <button type="button" className="button" disabled={busy} onClick={() => void check()}>
        {t('audit.run')}
      </button>
      <ErrorMessage error={error} />
      {result && (
        <div className={`verdict ${result.valid ? 'verdict-ok' : 'verdict-bad'}`} role="status">
          <span className="verdict-icon" aria-hidden="true">
            {result.valid ? '✓' : '✗'}
          </span>
          <div>
            <p className="verdict-title">{result.valid ? t('audit.valid') : t('audit.broken')}</p>
            <p>{t('audit.events', { n: result.events })}</p>
            {!result.valid && result.firstBrokenAt !== undefined && <p dir="ltr">{t('audit.firstBroken', { at: String(result.firstBrokenAt) })}</p>}
          </div>
        </div>
      )}
    </section>
  );
}
