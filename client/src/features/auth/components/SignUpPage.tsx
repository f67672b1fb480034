import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { SelectField, TextField } from '../../../components/Fields';
import { PageTitle } from '../../../components/PageTitle';
import { useI18n } from '../../../i18n/i18n';
import { useAuth } from '../../../lib/auth';
import { serverFieldErrors, validate, type FieldErrors } from '../../../lib/form';
import { useReference } from '../../../lib/reference';
import { PASSWORD_MIN, register, registerInputSchema } from '../api/auth';

export function SignUpPage() {
  const { t, locale } = useI18n();
  const { signedIn } = useAuth();
  const { entries, name } = useReference();
  const navigate = useNavigate();
  const [v, setV] = useState({ accountType: 'artisan' as 'artisan' | 'cooperative', fullName: '', email: '', password: '', phone: '', craft: '', region: '', coopName: '', coopNumber: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [key]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input = {
      accountType: v.accountType,
      fullName: v.fullName,
      email: v.email,
      password: v.password,
      locale,
      phone: v.phone || undefined,
      craft: v.craft || undefined,
      region: v.region || undefined,
      cooperative: v.accountType === 'cooperative' ? { name: v.coopName, registrationNumber: v.coopNumber } : undefined,
    };
    const checked = validate(registerInputSchema, input, t);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    setError(undefined);
    setBusy(true);
    try {
      const res = await register(checked.value);
      signedIn(res.user, res.csrfToken);
      navigate('/filings/new', { replace: true });
    } catch (err) {
      setError(err);
      setErrors(serverFieldErrors(err));
    } finally {
      setBusy(false);
    }
  };

  const options = (kind: 'crafts' | 'regions') => entries(kind).map((e) => ({ value: e.code, label: name(kind, e.code) }));
  return (
    <section className="narrow">
      <PageTitle title={t('signup.title')}>{t('signup.title')}</PageTitle>
      <p>{t('signup.intro')}</p>
      <form onSubmit={submit} noValidate className="card form">
        <ErrorMessage error={error} />
        <fieldset className="choice-row">
          <legend>{t('signup.accountType')}</legend>
          {(['artisan', 'cooperative'] as const).map((type) => (
            <label key={type} className="choice">
              <input type="radio" name="accountType" value={type} checked={v.accountType === type} onChange={() => setV({ ...v, accountType: type })} />
              <span>
                <strong>{t(`signup.type.${type}`)}</strong>
                <span className="hint">{t(`signup.type.${type}.hint`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <TextField label={t('field.fullName')} name="fullName" autoComplete="name" required value={v.fullName} error={errors.fullName} onChange={set('fullName')} />
        {v.accountType === 'cooperative' && (
          <>
            <TextField label={t('field.coopName')} name="coopName" required value={v.coopName} error={errors['cooperative.name']} onChange={set('coopName')} />
            <TextField label={t('field.coopNumber')} name="coopNumber" required value={v.coopNumber} error={errors['cooperative.registrationNumber']} onChange={set('coopNumber')} />
          </>
        )}
        <TextField label={t('field.email')} type="email" name="email" autoComplete="email" required value={v.email} error={errors.email} onChange={set('email')} />
        <TextField label={t('field.password')} type="password" name="password" autoComplete="new-password" required hint={t('signup.passwordHint', { min: PASSWORD_MIN })} value={v.password} error={errors.password} onChange={set('password')} />
        <TextField label={t('field.phone')} type="tel" name="phone" autoComplete="tel" inputMode="tel" hint={t('common.optional')} value={v.phone} error={errors.phone} onChange={set('phone')} />
        <SelectField label={t('field.craft')} name="craft" value={v.craft} onChange={set('craft')} options={options('crafts')} placeholder={t('common.optionalChoose')} />
        <SelectField label={t('field.region')} name="region" value={v.region} onChange={set('region')} options={options('regions')} placeholder={t('common.optionalChoose')} />
        <button type="submit" className="button" disabled={busy}>
          {t('signup.submit')}
        </button>
      </form>
      <p>
        {t('signup.haveAccount')} <Link to="/signin">{t('nav.signIn')}</Link>
      </p>
    </section>
  );
}
