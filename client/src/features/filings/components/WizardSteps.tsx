/** The wizard's question steps; each asks only what the chosen kind of protection needs. */
import { Link } from 'react-router-dom';
import { SelectField, TextAreaField, TextField } from '../../../components/Fields';
import { useI18n } from '../../../i18n/i18n';
import { useAuth } from '../../../lib/auth';
import type { FieldErrors } from '../../../lib/form';
import { useReference, type ReferenceKind } from '../../../lib/reference';
import type { ProtectionType } from '../api/filings';
import type { DraftForm } from '../hooks/use-draft';

interface StepProps {
  form: DraftForm;
  setForm: (f: DraftForm) => void;
  errors: FieldErrors;
  type: ProtectionType;
}

export function KindStep({ value, onChange }: { value?: ProtectionType; onChange: (t: ProtectionType) => void }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const kinds: ProtectionType[] = ['industrial_design', 'collective_mark', 'heritage_inventory'];
  return (
    <fieldset className="kinds">
      <legend>{t('wizard.kind.question')}</legend>
      {kinds.map((kind) => {
        const blocked = kind === 'collective_mark' && user?.role !== 'cooperative';
        return (
          <label key={kind} className={`kind-card${value === kind ? ' selected' : ''}${blocked ? ' blocked' : ''}`}>
            <input type="radio" name="protectionType" value={kind} checked={value === kind} disabled={blocked} onChange={() => onChange(kind)} />
            <span className="kind-body">
              <strong className="kind-name">{t(`kind.${kind}.name`)}</strong>
              <span>{t(`kind.${kind}.what`)}</span>
              <span className="small">{t(`kind.${kind}.for`)}</span>
              <span className="small muted">{t(`kind.${kind}.needs`)}</span>
              {blocked && <span className="small warn">{t('kind.collective_mark.coopOnly')}</span>}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}

function useOptions() {
  const { entries, name } = useReference();
  return (kind: ReferenceKind, withCode = false) =>
    entries(kind).map((e) => ({ value: e.code, label: withCode ? `${e.code} — ${name(kind, e.code)}` : name(kind, e.code) }));
}

export function AboutStep({ form, setForm, errors, type }: StepProps) {
  const { t } = useI18n();
  const options = useOptions();
  const set = (key: keyof DraftForm) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  return (
    <>
      <fieldset>
        <legend>{t('wizard.about.titleLegend')}</legend>
        <p className="hint">{t('wizard.about.titleHint')}</p>
        {errors.title && <p className="field-error">{errors.title}</p>}
        <TextField label={t('field.titleAr')} name="titleAr" lang="ar" dir="rtl" value={form.titleAr} error={errors['title.ar']} onChange={set('titleAr')} />
        <TextField label={t('field.titleFr')} name="titleFr" lang="fr" dir="ltr" value={form.titleFr} error={errors['title.fr']} onChange={set('titleFr')} />
        <TextField label={t('field.titleEn')} name="titleEn" lang="en" dir="ltr" hint={t('common.optional')} value={form.titleEn} onChange={set('titleEn')} />
      </fieldset>
      <fieldset>
        <legend>{type === 'heritage_inventory' ? t('wizard.about.practiceLegend') : t('wizard.about.descLegend')}</legend>
        <p className="hint">{type === 'heritage_inventory' ? t('wizard.about.practiceHint') : t('wizard.about.descHint')}</p>
        {errors.description && <p className="field-error">{errors.description}</p>}
        <TextAreaField label={t('field.descAr')} name="descAr" lang="ar" dir="rtl" rows={3} value={form.descAr} onChange={set('descAr')} />
        <TextAreaField label={t('field.descFr')} name="descFr" lang="fr" dir="ltr" rows={3} value={form.descFr} onChange={set('descFr')} />
      </fieldset>
      <SelectField label={t('field.craft')} name="craft" required value={form.craft} error={errors.craft} placeholder={t('common.choose')} options={options('crafts')} onChange={set('craft')} />
      <SelectField label={t('field.region')} name="region" required value={form.region} error={errors.region} placeholder={t('common.choose')} options={options('regions')} onChange={set('region')} />
    </>
  );
}

export function DetailsStep({ form, setForm, errors, type }: StepProps) {
  const { t } = useI18n();
  const { user } = useAuth();
  const options = useOptions();
  const set = (key: keyof DraftForm) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  if (type === 'industrial_design')
    return (
      <SelectField label={t('field.locarnoClass')} name="locarnoClass" required hint={t('wizard.details.locarnoHint')} value={form.locarnoClass} error={errors.locarnoClass} placeholder={t('common.choose')} options={options('locarnoClasses', true)} onChange={set('locarnoClass')} />
    );

  if (type === 'collective_mark') {
    const members = user?.cooperative?.members ?? [];
    return (
      <>
        <fieldset className="nice-classes">
          <legend>{t('field.niceClasses')}</legend>
          <p className="hint">{t('wizard.details.niceHint')}</p>
          {errors.niceClasses && <p className="field-error">{errors.niceClasses}</p>}
          <div className="checkbox-grid">
            {options('niceClasses').map((o) => {
              const n = Number(o.value);
              return (
                <label key={o.value} className="checkbox">
                  <input
                    type="checkbox"
                    checked={form.niceClasses.includes(n)}
                    onChange={(e) => setForm({ ...form, niceClasses: e.target.checked ? [...form.niceClasses, n].sort((a, b) => a - b) : form.niceClasses.filter((c) => c !== n) })}
                  />
                  <span>
                    {o.value}. {o.label}
                  </span>
                </label>
              );
            })}
          </div>
        </fieldset>
        <div className="card">
          <h3>{t('wizard.details.members')}</h3>
          <p>{t('wizard.details.membersCount', { n: members.length })}</p>
          <Link to="/cooperative">{t('wizard.details.membersManage')}</Link>
        </div>
      </>
    );
  }

  return (
    <>
      <TextField label={t('field.community')} name="community" required hint={t('wizard.details.communityHint')} value={form.community} error={errors.community} onChange={set('community')} />
      <TextField label={t('field.techniques')} name="techniques" hint={t('wizard.details.listHint')} value={form.techniques} onChange={set('techniques')} />
      <TextField label={t('field.materials')} name="materials" hint={t('wizard.details.listHint')} value={form.materials} onChange={set('materials')} />
      <SelectField label={t('field.tkLabel')} name="tkLabel" required hint={t('wizard.details.tkHint')} value={form.tkLabel} error={errors.tkLabel} placeholder={t('common.choose')} options={options('tkLabels')} onChange={set('tkLabel')} />
      <fieldset className="choice-row">
        <legend>{t('field.sensitive')}</legend>
        <p className="hint">{t('wizard.details.sensitiveHint')}</p>
        {errors.sensitive && <p className="field-error">{errors.sensitive}</p>}
        {(['no', 'yes'] as const).map((v) => (
          <label key={v} className="choice">
            <input type="radio" name="sensitive" value={v} checked={form.sensitive === v} onChange={() => setForm({ ...form, sensitive: v })} />
            <span>{t(v === 'yes' ? 'common.yes' : 'common.no')}</span>
          </label>
        ))}
      </fieldset>
    </>
  );
}
