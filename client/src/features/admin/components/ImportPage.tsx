import { useState } from 'react';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { PageTitle } from '../../../components/PageTitle';
import { useI18n } from '../../../i18n/i18n';
import { BATCH_SIZE, importBatch, type ImportRecord } from '../api/admin';

/** Legacy records in bulk: a JSON manifest and its images, sent in batches of 200 with progress. */
export function ImportPage() {
  const { t, formatNumber } = useI18n();
  const [records, setRecords] = useState<ImportRecord[]>();
  const [images, setImages] = useState(new Map<string, File>());
  const [progress, setProgress] = useState<number>();
  const [imported, setImported] = useState(0);
  const [failed, setFailed] = useState<Array<{ index: number; error: string }>>([]);
  const [error, setError] = useState<unknown>();
  const [manifestError, setManifestError] = useState<string>();
  const [done, setDone] = useState(false);

  const readManifest = async (file: File) => {
    setManifestError(undefined);
    try {
      const parsed: unknown = JSON.parse(await file.text());
      if (!Array.isArray(parsed)) throw new Error('not an array');
      setRecords(parsed as ImportRecord[]);
    } catch {
      setRecords(undefined);
      setManifestError(t('import.badManifest'));
    }
  };
  const missing = records ? [...new Set(records.flatMap((r) => r.images ?? []))].filter((n) => !images.has(n)) : [];

  const run = async () => {
    if (!records) return;
    setError(undefined);
    setDone(false);
    setImported(0);
    setFailed([]);
    for (let start = 0; start < records.length; start += BATCH_SIZE) {
      const batch = records.slice(start, start + BATCH_SIZE);
      try {
        const res = await importBatch(batch, images, (f) => setProgress((start + f * batch.length) / records.length)).promise;
        setImported((n) => n + res.imported);
        setFailed((list) => [...list, ...res.failed.map((x) => ({ ...x, index: x.index + start }))]);
      } catch (err) {
        setError(err);
        setProgress(undefined);
        return;
      }
    }
    setProgress(1);
    setDone(true);
  };

  return (
    <section>
      <PageTitle title={t('admin.import')}>{t('admin.import')}</PageTitle>
      <p>{t('import.intro')}</p>
      <div className="card form">
        <div className="field">
          <label htmlFor="manifest">{t('import.manifest')}</label>
          <input id="manifest" type="file" accept="application/json,.json" onChange={(e) => e.target.files?.[0] && void readManifest(e.target.files[0])} />
          {manifestError && <p className="field-error">{manifestError}</p>}
          {records && <p className="hint">{t('import.records', { n: records.length })}</p>}
        </div>
        <div className="field">
          <label htmlFor="images">{t('import.images')}</label>
          <input id="images" type="file" multiple accept="image/jpeg,image/png,image/webp" onChange={(e) => setImages(new Map(Array.from(e.target.files ?? []).map((f) => [f.name, f])))} />
          {missing.length > 0 && <p className="field-error">{t('import.missing', { n: missing.length, names: missing.slice(0, 5).join(', ') })}</p>}
        </div>
        <button type="button" className="button" disabled={!records || progress !== undefined && !done && !error} onClick={() => void run()}>
          {t('import.start')}
        </button>
        {progress !== undefined && (
          <p>
            <progress max={1} value={progress} aria-label={t('import.progress')} /> {formatNumber(progress, { style: 'percent' })}
          </p>
        )}
        <ErrorMessage error={error} />
        {(done || imported > 0) && (
          <p role="status" className={failed.length ? 'alert alert-warn' : 'alert alert-success'}>
            {t('import.result', { imported, failed: failed.length })}
          </p>
        )}
        {failed.length > 0 && (
          <ul className="small">
            {failed.slice(0, 50).map((f) => (
              <li key={f.index}>
                #{f.index + 1}: <span dir="auto">{f.error}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
