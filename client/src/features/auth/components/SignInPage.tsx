import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { TextField } from '../../../components/Fields';
import { PageTitle } from '../../../components/PageTitle';
import { useI18n } from '../../../i18n/i18n';
import { useAuth, type User } from '../../../lib/auth';
import { validate, type FieldErrors } from '../../../lib/form';
import { login, loginInputSchema } from '../api/auth';

/** Where each kind of user starts its work. */
export function homeOf(user: User): string {
  if (user.role === 'examiner') return '/exam';
  if (user.role === 'admin') return '/admin';
  return '/filings';
}

/** Only paths of this site: a `next` pointing elsewhere would be an open redirect. */
export function safeNext(next: string | null): string | undefined {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : undefined;
}

export function SignInPage() {
  const { t } = useI18n();
  const { user, signedIn } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [values, setValues] = useState({ email: '', password: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  if (user && !busy) return <Navigate to={safeNext(params.get('next')) ?? homeOf(user)} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = validate(loginInputSchema, values, t);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    setError(undefined);
    setBusy(true);
    try {
      const res = await login(checked.value);
      signedIn(res.user, res.csrfToken);
      navigate(safeNext(params.get('next')) ?? homeOf(res.user), { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <PageTitle title={t('signin.title')}>{t('signin.title')}</PageTitle>
      <form onSubmit={submit} noValidate className="card form">
        <ErrorMessage error={error} />
        <TextField label={t('field.email')} type="email" name="email" autoComplete="email" required value={values.email} error={errors.email} onChange={(e) => setValues({ ...values, email: e.target.value })} />
        <TextField label={t('field.password')} type="password" name="password" autoComplete="current-password" required value={values.password} error={errors.password} onChange={(e) => setValues({ ...values, password: e.target.value })} />
        <button type="submit" className="button" disabled={busy}>
          {t('signin.submit')}
        </button>
      </form>
      <p>
        {t('signin.noAccount')} <Link to="/signup">{t('nav.signUp')}</Link>
      </p>
    </section>
  );
}
