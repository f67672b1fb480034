import { useEffect, useState } from 'react';
import { useLocation } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { useI18n } from '../../../i18n/i18n';
import { shrinkImage } from '../../../lib/shrink-image';
import { photoSearchForm, searchByPhoto, type Crop, type SearchFilters, type SearchHit } from '../api/registry';
import { CropSelector } from './CropSelector';
import { Filters } from './Filters';
import { PhotoPicker } from './PhotoPicker';
import { ResultsGrid } from './ResultsGrid';

/** Search by photo: the whole picture at once, then again with the part the user marks. */
export function PhotoSearchPage() {
  const { t } = useI18n();
  const location = useLocation();
  const [file, setFile] = useState<File | undefined>((location.state as { file?: File } | null)?.file);
  const [url, setUrl] = useState<string>();
  const [crop, setCrop] = useState<Crop>();
  const [filters, setFilters] = useState<SearchFilters>({});
  const [results, setResults] = useState<SearchHit[]>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!file) return setUrl(undefined);
    const u = URL.createObjectURL(file);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [file]);

  const run = async (image: File, box: Crop | undefined, f: SearchFilters) => {
    setBusy(true);
    setError(undefined);
    try {
      const small = await shrinkImage(image);
      const res = await searchByPhoto(photoSearchForm(small, image.name || 'photo.jpg', box, f));
      setResults(res.items);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (file) void run(file, undefined, {});
    // only when a new photo arrives; later searches are the user's
  }, [file]);

  return (
    <section>
      <PageTitle title={t('photo.title')}>{t('photo.title')}</PageTitle>
      <p>{t('photo.intro')}</p>
      <PhotoPicker
        label={file ? t('photo.another') : t('photo.pick')}
        onPick={(f) => {
          setCrop(undefined);
          setResults(undefined);
          setFile(f);
        }}
      />
      {file && url && (
        <div className="photo-layout">
          <div>
            <CropSelector src={url} crop={crop} onChange={setCrop} />
            <details className="more-filters">
              <summary>{t('search.filters')}</summary>
              <Filters value={filters} onChange={setFilters} />
            </details>
            <button type="button" className="button" disabled={busy} onClick={() => void run(file, crop, filters)}>
              {crop ? t('photo.searchCrop') : t('photo.search')}
            </button>
          </div>
          <div aria-live="polite" aria-busy={busy}>
            <h2>{t('photo.results')}</h2>
            <ErrorMessage error={error} />
            {busy && <Loading />}
            {results && !busy && (results.length ? <ResultsGrid items={results} /> : <p>{t('search.none')}</p>)}
          </div>
        </div>
      )}
    </section>
  );
}
