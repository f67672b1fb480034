import { useState } from 'react';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Text } from '../../../components/Text';
import { useI18n } from '../../../i18n/i18n';
import { ApiError } from '../../../lib/api-client';
import { useReference } from '../../../lib/reference';
import { act, type Filing } from '../api/filings';
import type { Missing, Step } from '../utils/completeness';

/** Everything the filing says, what it still lacks (with a way back to fix it), and submit. */
export function ReviewStep({ filing, missing, onFix, onSubmitted }: { filing: Filing; missing: Missing[]; onFix: (s: Step) => void; onSubmitted: (f: Filing) => void }) {
  const { t } = useI18n();
  const { name } = useReference();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const isResubmit = filing.status === 'correction_requested';

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onSubmitted(await act(filing.id, isResubmit ? 'resubmit' : 'submit'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const serverProblems = error instanceof ApiError ? (error.problem.errors ?? []) : [];

  return (
    <div className="review">
      <dl className="facts">
        <div className="fact">
          <dt>{t('field.protectionType')}</dt>
          <dd>{name('protectionTypes', filing.protectionType)}</dd>
        </div>
        <div className="fact">
          <dt>{t('record.titles')}</dt>
          <dd>
            <Text value={filing.title} />
          </dd>
        </div>
        <div className="fact">
          <dt>{t('field.craft')}</dt>
          <dd>{name('crafts', filing.craft)}</dd>
        </div>
        <div className="fact">
          <dt>{t('field.region')}</dt>
          <dd>{name('regions', filing.region)}</dd>
        </div>
        {filing.locarnoClass && (
          <div className="fact">
            <dt>{t('field.locarnoClass')}</dt>
            <dd>{`${filing.locarnoClass} — ${name('locarnoClasses', filing.locarnoClass)}`}</dd>
          </div>
        )}
        {filing.niceClasses?.length ? (
          <div className="fact">
            <dt>{t('field.niceClasses')}</dt>
            <dd>{filing.niceClasses.join(', ')}</dd>
          </div>
        ) : null}
        {filing.community && (
          <div className="fact">
            <dt>{t('field.community')}</dt>
            <dd dir="auto">{filing.community}</dd>
          </div>
        )}
        {filing.tkLabel && (
          <div className="fact">
            <dt>{t('field.tkLabel')}</dt>
            <dd>{name('tkLabels', filing.tkLabel)}</dd>
          </div>
        )}
        <div className="fact">
          <dt>{t('wizard.step.photos')}</dt>
          <dd>{t('review.photoCount', { n: filing.images.length })}</dd>
        </div>
      </dl>
      <div className="thumbs">
        {filing.images.map((img, i) => (
          <img key={img.id} src={img.urls.thumb} alt={t('photos.alt', { n: i + 1 })} width={96} height={96} />
        ))}
      </div>
      {missing.length > 0 ? (
        <div className="alert alert-warn">
          <p>{t('review.missing')}</p>
          <ul>
            {missing.map((m) => (
              <li key={m.key}>
                {t(m.key)}{' '}
                <button type="button" className="link-button" onClick={() => onFix(m.step)}>
                  {t('review.fix')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="alert alert-success">{t('review.ready')}</p>
      )}
      <p className="small">{t('review.declaration')}</p>
      <ErrorMessage error={error} />
      {serverProblems.length > 0 && (
        <ul className="field-error">
          {serverProblems.map((p) => (
            <li key={p.path + p.message} dir="auto">
              {p.message}
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="button button-primary-large" disabled={busy || missing.length > 0} onClick={() => void submit()}>
        {isResubmit ? t('review.resubmit') : t('review.submit')}
      </button>
    </div>
  );
}
