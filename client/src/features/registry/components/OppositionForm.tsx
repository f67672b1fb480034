import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { TextAreaField, TextField } from '../../../components/Fields';
import { useI18n } from '../../../i18n/i18n';
import { serverFieldErrors, validate, type FieldErrors } from '../../../lib/form';
import { fileOpposition, oppositionInputSchema } from '../api/registry';

/** Anyone may oppose a published mark or heritage entry until its window closes. */
export function OppositionForm({ number, endsAt, onFiled }: { number: string; endsAt: string; onFiled: () => void }) {
  const { t, formatDate } = useI18n();
  const [v, setV] = useState({ name: '', email: '', grounds: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = validate(oppositionInputSchema, v, t);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    setBusy(true);
    try {
      await fileOpposition(number, checked.value);
      setDone(true);
      onFiled();
    } catch (err) {
      setError(err);
      setErrors(serverFieldErrors(err));
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <p className="alert alert-success" role="status">
        {t('opposition.done')}
      </p>
    );
  return (
    <section className="card opposition" aria-labelledby="opposition-title">
      <h2 id="opposition-title">{t('opposition.title')}</h2>
      <p>{t('opposition.intro', { date: formatDate(endsAt) })}</p>
      <form onSubmit={submit} noValidate className="form">
        <ErrorMessage error={error} />
        <TextField label={t('field.fullName')} name="name" autoComplete="name" required value={v.name} error={errors.name} onChange={(e) => setV({ ...v, name: e.target.value })} />
        <TextField label={t('field.email')} type="email" name="email" autoComplete="email" required value={v.email} error={errors.email} onChange={(e) => setV({ ...v, email: e.target.value })} />
        <TextAreaField label={t('opposition.grounds')} name="grounds" rows={5} required hint={t('opposition.groundsHint')} value={v.grounds} error={errors.grounds} onChange={(e) => setV({ ...v, grounds: e.target.value })} />
        <button type="submit" className="button" disabled={busy}>
          {t('opposition.submit')}
        </button>
      </form>
    </section>
  );
}
