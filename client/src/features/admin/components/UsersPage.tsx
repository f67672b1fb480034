import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { SelectField, TextField } from '../../../components/Fields';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import type { MessageKey } from '../../../i18n/en';
import { serverFieldErrors, validate, type FieldErrors } from '../../../lib/form';
import { createStaff, createStaffSchema, listUsers } from '../api/admin';

const ROLES = ['artisan', 'cooperative', 'examiner', 'admin'] as const;

/** Accounts by role, and a form to create examiner and admin accounts. */
export function UsersPage() {
  const { t, formatDate } = useI18n();
  const [role, setRole] = useState<string>('');
  const { data, error, loading, reload } = useAsync((signal) => listUsers(role || undefined, signal), [role]);
  const [v, setV] = useState({ fullName: '', email: '', password: '', role: 'examiner' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [createError, setCreateError] = useState<unknown>();
  const [created, setCreated] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = validate(createStaffSchema, v, t);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    setCreateError(undefined);
    try {
      const user = await createStaff(checked.value);
      setCreated(user.email);
      setV({ fullName: '', email: '', password: '', role: v.role });
      reload();
    } catch (err) {
      setCreateError(err);
      setErrors(serverFieldErrors(err));
    }
  };

  return (
    <section>
      <PageTitle title={t('admin.users')}>{t('admin.users')}</PageTitle>
      <div className="two-columns">
        <div>
          <SelectField label={t('admin.role')} value={role} placeholder={t('search.any')} options={ROLES.map((r) => ({ value: r, label: t(`role.${r}` as MessageKey) }))} onChange={(e) => setRole(e.target.value)} />
          <ErrorMessage error={error} />
          {loading && !data ? (
            <Loading />
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('field.fullName')}</th>
                  <th scope="col">{t('field.email')}</th>
                  <th scope="col">{t('admin.role')}</th>
                  <th scope="col">{t('admin.since')}</th>
                </tr>
              </thead>
              <tbody>
                {(data?.items ?? []).map((u) => (
                  <tr key={u.id}>
                    <td dir="auto">{u.fullName}</td>
                    <td dir="ltr">{u.email}</td>
                    <td>{t(`role.${u.role}` as MessageKey)}</td>
                    <td>{formatDate((u as { createdAt?: string }).createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <form onSubmit={submit} noValidate className="card form">
          <h2>{t('admin.createStaff')}</h2>
          <ErrorMessage error={createError} />
          {created && (
            <p className="alert alert-success" role="status">
              {t('admin.created', { email: created })}
            </p>
          )}
          <TextField label={t('field.fullName')} required value={v.fullName} error={errors.fullName} onChange={(e) => setV({ ...v, fullName: e.target.value })} />
          <TextField label={t('field.email')} type="email" required value={v.email} error={errors.email} onChange={(e) => setV({ ...v, email: e.target.value })} />
          <TextField label={t('field.password')} type="password" autoComplete="new-password" required value={v.password} error={errors.password} onChange={(e) => setV({ ...v, password: e.target.value })} />
          <SelectField label={t('admin.role')} value={v.role} options={[{ value: 'examiner', label: t('role.examiner') }, { value: 'admin', label: t('role.admin') }]} onChange={(e) => setV({ ...v, role: e.target.value })} />
          <button type="submit" className="button">
            {t('admin.createSubmit')}
          </button>
        </form>
      </div>
    </section>
  );
}
