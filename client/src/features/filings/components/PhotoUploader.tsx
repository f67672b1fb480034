import { useId } from 'react';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { CameraIcon } from '../../../components/CameraIcon';
import { useI18n } from '../../../i18n/i18n';
import { deleteImage, type Filing, type FilingImage } from '../api/filings';
import { useUploads } from '../hooks/use-uploads';

/** The photos step: what is already on the filing, what is on its way, and a way to add more. */
export function PhotoUploader({ filing, onChange }: { filing: Filing; onChange: (update: (images: FilingImage[]) => FilingImage[]) => void }) {
  const { t, formatNumber } = useI18n();
  const id = useId();
  const { pending, add, retry, remove } = useUploads(filing.id, (images) => onChange((prev) => [...prev, ...images]));

  return (
    <div className="uploader">
      <p className="hint" id={`${id}-hint`}>
        {t('photos.hint')}
      </p>
      <div className="photo-picker">
        <input
          id={id}
          className="visually-hidden-input"
          type="file"
          accept="image/jpeg,image/png,image/webp"
          capture="environment"
          multiple
          aria-describedby={`${id}-hint`}
          onChange={(e) => {
            if (e.target.files?.length) add(e.target.files);
            e.target.value = '';
          }}
        />
        <label htmlFor={id} className="button button-secondary">
          <CameraIcon />
          {t('photos.add')}
        </label>
      </div>
      <ul className="photo-list" aria-live="polite">
        {filing.images.map((img, i) => (
          <li key={img.id} className="photo-item">
            <img src={img.urls.thumb} alt={t('photos.alt', { n: i + 1 })} width={96} height={96} />
            <span className="photo-state ok">{t('photos.done')}</span>
            <button
              type="button"
              className="link-button"
              onClick={() => {
                void deleteImage(filing.id, img.id).then(() => onChange((prev) => prev.filter((x) => x.id !== img.id)));
              }}
            >
              {t('photos.remove')} <span className="visually-hidden">{t('photos.alt', { n: i + 1 })}</span>
            </button>
          </li>
        ))}
        {pending.map((p) => (
          <li key={p.key} className="photo-item">
            <img src={p.preview} alt="" width={96} height={96} />
            <div className="photo-progress">
              <span dir="auto" className="small">
                {p.name}
              </span>
              {p.state === 'failed' ? (
                <>
                  <ErrorMessage error={p.error} />
                  <button type="button" className="button button-small" onClick={() => void retry(p.key)}>
                    {t('photos.retry')}
                  </button>
                  <button type="button" className="link-button" onClick={() => remove(p.key)}>
                    {t('photos.discard')}
                  </button>
                </>
              ) : (
                <>
                  <progress max={1} value={p.state === 'preparing' ? undefined : p.progress} aria-label={t('photos.progress', { name: p.name })} />
                  <span className="small">{p.state === 'preparing' ? t('photos.preparing') : formatNumber(p.progress, { style: 'percent' })}</span>
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
