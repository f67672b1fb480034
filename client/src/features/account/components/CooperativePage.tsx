import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { SelectField, TextField } from '../../../components/Fields';
import { PageTitle } from '../../../components/PageTitle';
import { useI18n } from '../../../i18n/i18n';
import { useAuth } from '../../../lib/auth';
import { validate, type FieldErrors } from '../../../lib/form';
import { useReference } from '../../../lib/reference';
import { memberInputSchema, updateMembers, type MemberInput } from '../api/account';

/** The cooperative's members: the people its collective marks allow to use them. */
export function CooperativePage() {
  const { t } = useI18n();
  const { user, refresh } = useAuth();
  const { entries, name } = useReference();
  const members: MemberInput[] = user?.cooperative?.members ?? [];
  const [v, setV] = useState({ fullName: '', phone: '', craft: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>();

  const save = async (next: MemberInput[]) => {
    setError(undefined);
    try {
      await updateMembers(next);
      await refresh();
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const checked = validate(memberInputSchema, { fullName: v.fullName, phone: v.phone || undefined, craft: v.craft || undefined }, t);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    if (await save([...members, checked.value])) setV({ fullName: '', phone: '', craft: '' });
  };

  return (
    <section>
      <PageTitle title={t('coop.title')}>{t('coop.title')}</PageTitle>
      <p>
        <strong dir="auto">{user?.cooperative?.name}</strong> · <span dir="ltr">{user?.cooperative?.registrationNumber}</span>
      </p>
      <p>{t('coop.intro')}</p>
      <ErrorMessage error={error} />
      <h2>{t('coop.members', { n: members.length })}</h2>
      {members.length === 0 ? (
        <p className="muted">{t('coop.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('field.fullName')}</th>
              <th scope="col">{t('field.craft')}</th>
              <th scope="col">{t('field.phone')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((m, i) => (
              <tr key={`${m.fullName}-${i}`}>
                <td dir="auto">{m.fullName}</td>
                <td>{name('crafts', m.craft)}</td>
                <td dir="ltr">{m.phone}</td>
                <td>
                  <button type="button" className="link-button danger" onClick={() => void save(members.filter((_, j) => j !== i))}>
                    {t('photos.remove')} <span className="visually-hidden">{m.fullName}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={add} noValidate className="card form">
        <h2>{t('coop.add')}</h2>
        <TextField label={t('field.fullName')} required value={v.fullName} error={errors.fullName} onChange={(e) => setV({ ...v, fullName: e.target.value })} />
        <TextField label={t('field.phone')} type="tel" hint={t('common.optional')} value={v.phone} error={errors.phone} onChange={(e) => setV({ ...v, phone: e.target.value })} />
        <SelectField label={t('field.craft')} value={v.craft} placeholder={t('common.optionalChoose')} options={entries('crafts').map((c) => ({ value: c.code, label: name('crafts', c.code) }))} onChange={(e) => setV({ ...v, craft: e.target.value })} />
        <button type="submit" className="button">
          {t('coop.addSubmit')}
        </button>
      </form>
    </section>
  );
}
