import { useState, type FormEvent } from 'react';
import { TextAreaField } from '../../../components/Fields';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { addNote, listNotes } from '../api/examination';

/** Notes examiners leave for each other on a filing; the applicant never sees them. */
export function NotesPanel({ id }: { id: string }) {
  const { t, formatDateTime } = useI18n();
  const { data, error, reload } = useAsync((signal) => listNotes(id, signal), [id]);
  const [text, setText] = useState('');
  const [saveError, setSaveError] = useState<unknown>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    try {
      await addNote(id, text.trim());
      setText('');
      reload();
    } catch (err) {
      setSaveError(err);
    }
  };

  return (
    <section aria-labelledby="notes-title">
      <h2 id="notes-title">{t('notes.title')}</h2>
      {error ? (
        <p className="muted small">{t('notes.unavailable')}</p>
      ) : (
        <>
          <ul className="list">
            {(data ?? []).map((n) => (
              <li key={n.id} className="list-item">
                <p dir="auto">{n.text}</p>
                <p className="small muted">
                  <span dir="auto">{n.author.fullName}</span> · {formatDateTime(n.createdAt)}
                </p>
              </li>
            ))}
          </ul>
          <form onSubmit={submit} className="form">
            <ErrorMessage error={saveError} />
            <TextAreaField label={t('notes.add')} rows={2} value={text} onChange={(e) => setText(e.target.value)} />
            <button type="submit" className="button button-secondary">
              {t('notes.save')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
