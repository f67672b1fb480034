import { useId, useState } from 'react';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { useI18n } from '../../../i18n/i18n';
import { deleteDocument, uploadDocument, type DocumentKind, type Filing } from '../api/filings';

/** One PDF of a given kind (regulations of use, community consent), with its progress and a retry. */
export function DocumentUploader({ filing, kind, label, hint, onChange }: { filing: Filing; kind: DocumentKind; label: string; hint: string; onChange: () => void }) {
  const { t, formatNumber } = useI18n();
  const id = useId();
  const [file, setFile] = useState<File>();
  const [progress, setProgress] = useState<number>();
  const [error, setError] = useState<unknown>();
  const docs = filing.documents.filter((d) => d.kind === kind);

  const send = async (f: File) => {
    setError(undefined);
    setProgress(0);
    try {
      await uploadDocument(filing.id, f, kind, setProgress).promise;
      setFile(undefined);
      onChange();
    } catch (err) {
      setError(err);
    } finally {
      setProgress(undefined);
    }
  };

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      <ul className="doc-list">
        {docs.map((d) => (
          <li key={d.id}>
            <span dir="auto">{d.fileName}</span>{' '}
            <button type="button" className="link-button" onClick={() => void deleteDocument(filing.id, d.id).then(onChange)}>
              {t('photos.remove')} <span className="visually-hidden">{d.fileName}</span>
            </button>
          </li>
        ))}
      </ul>
      <input
        id={id}
        type="file"
        accept="application/pdf"
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) {
            setFile(f);
            void send(f);
          }
          e.target.value = '';
        }}
      />
      {progress !== undefined && (
        <p>
          <progress max={1} value={progress} aria-label={t('photos.progress', { name: file?.name ?? '' })} /> {formatNumber(progress, { style: 'percent' })}
        </p>
      )}
      {error !== undefined && (
        <>
          <ErrorMessage error={error} />
          {file && (
            <button type="button" className="button button-small" onClick={() => void send(file)}>
              {t('photos.retry')}
            </button>
          )}
        </>
      )}
    </div>
  );
}
