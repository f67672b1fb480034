/**
 * Filing in a few guided steps: the kind of protection (explained in plain words), what the
 * filing is, what that kind needs, photos, documents, then a review and submit. The draft is
 * created when the first step is done and saved as the artisan goes.
 */
import { useCallback, useState } from 'react';
import { Navigate, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import type { MessageKey } from '../../../i18n/en';
import { validate, type FieldErrors } from '../../../lib/form';
import { createFiling, createFilingSchema, EDITABLE, getFiling, type Filing, type ProtectionType } from '../api/filings';
import { emptyForm, fieldsFromForm, useDraft } from '../hooks/use-draft';
import { missingParts, stepsFor, type Step } from '../utils/completeness';
import { DocumentUploader } from './DocumentUploader';
import { PhotoUploader } from './PhotoUploader';
import { ReviewStep } from './ReviewStep';
import { AboutStep, DetailsStep, KindStep } from './WizardSteps';

type WizardStep = 'kind' | Step | 'review';
const STEP_LABELS: Record<WizardStep, MessageKey> = {
  kind: 'wizard.step.kind',
  about: 'wizard.step.about',
  details: 'wizard.step.details',
  photos: 'wizard.step.photos',
  documents: 'wizard.step.documents',
  review: 'wizard.step.review',
};

export function FilingWizard() {
  const { id } = useParams();
  const { t, formatDateTime } = useI18n();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const loaded = useAsync((signal) => (id ? getFiling(id, signal) : Promise.resolve(undefined)), [id]);
  const filing = loaded.data;
  const setFiling = loaded.setData;
  const onSaved = useCallback((f: Filing) => setFiling((old) => (old ? { ...f, images: f.images ?? old.images } : f)), [setFiling]);
  const draft = useDraft(filing, onSaved);
  const [newType, setNewType] = useState<ProtectionType>();
  const [newForm, setNewForm] = useState(emptyForm);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const type = filing?.protectionType ?? newType;
  const steps: WizardStep[] = ['kind', ...(type ? stepsFor(type) : (['about'] as Step[])), 'review'];
  const requested = params.get('step') as WizardStep | null;
  const step: WizardStep = id ? (requested && steps.includes(requested) && requested !== 'kind' ? requested : 'details') : newType && requested === 'about' ? 'about' : 'kind';
  const form = filing ? draft.form : newForm;
  const setForm = filing ? draft.setForm : setNewForm;

  if (id && loaded.loading && !filing) return <Loading />;
  if (id && !filing) return <ErrorMessage error={loaded.error} />;
  if (filing && !EDITABLE.includes(filing.status)) return <Navigate to={`/filings/${filing.id}`} replace />;

  const go = (next: WizardStep) => {
    setErrors({});
    setParams({ step: next });
    window.scrollTo({ top: 0 });
  };

  /** The first two steps make the draft; from then on it lives on the server. */
  const createDraft = async () => {
    if (!newType) return;
    const checked = validate(createFilingSchema, { protectionType: newType, ...fieldsFromForm(newForm, newType) }, t);
    if (!checked.ok) return setErrors(checked.errors);
    setBusy(true);
    setError(undefined);
    try {
      const created = await createFiling(checked.value);
      navigate(`/filings/${created.id}/edit?step=details`, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const index = steps.indexOf(step);
  const next = async () => {
    if (step === 'kind') return go('about');
    if (step === 'about' && !filing) return createDraft();
    if (filing) await draft.flush();
    go(steps[index + 1]!);
  };

  return (
    <section className="wizard">
      <PageTitle title={t('wizard.title')}>{t('wizard.title')}</PageTitle>
      <ol className="steps" aria-label={t('wizard.progress')}>
        {steps.map((s, i) => (
          <li key={s} aria-current={s === step ? 'step' : undefined} className={i < index ? 'done' : undefined}>
            <span className="step-number">{i + 1}</span> <span className="step-label">{t(STEP_LABELS[s])}</span>
          </li>
        ))}
      </ol>
      {filing && (
        <p className="save-state" role="status">
          {draft.save.state === 'saving' && t('wizard.saving')}
          {draft.save.state === 'saved' && t('wizard.saved', { time: formatDateTime(draft.save.at?.toISOString()) })}
          {draft.save.state === 'failed' && t('wizard.saveFailed')}
        </p>
      )}
      <form
        className="card form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void next();
        }}
      >
        <h2>{t(STEP_LABELS[step])}</h2>
        <ErrorMessage error={error} />
        {step === 'kind' && <KindStep value={type} onChange={setNewType} />}
        {step === 'about' && type && <AboutStep form={form} setForm={setForm} errors={errors} type={type} />}
        {step === 'details' && type && <DetailsStep form={form} setForm={setForm} errors={errors} type={type} />}
        {step === 'photos' && filing && <PhotoUploader filing={filing} onChange={(update) => setFiling((f) => (f ? { ...f, images: update(f.images) } : f))} />}
        {step === 'documents' && filing && (
          <DocumentUploader
            filing={filing}
            kind={filing.protectionType === 'collective_mark' ? 'regulations_of_use' : 'community_consent'}
            label={t(filing.protectionType === 'collective_mark' ? 'wizard.docs.regulations' : 'wizard.docs.consent')}
            hint={t(filing.protectionType === 'collective_mark' ? 'wizard.docs.regulationsHint' : 'wizard.docs.consentHint')}
            onChange={loaded.reload}
          />
        )}
        {step === 'review' && filing && <ReviewStep filing={filing} missing={missingParts(filing)} onFix={(s) => go(s)} onSubmitted={(f) => navigate(`/filings/${f.id}/receipt`)} />}
        <div className="wizard-nav">
          {(filing ? index > 1 : index > 0) && (
            <button type="button" className="button button-secondary" onClick={() => go(steps[index - 1]!)}>
              {t('wizard.back')}
            </button>
          )}
          {step !== 'review' && (
            <button type="submit" className="button" disabled={busy || (step === 'kind' && !type)}>
              {t('wizard.next')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
