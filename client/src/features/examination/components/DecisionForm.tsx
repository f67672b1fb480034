import { forwardRef, useImperativeHandle, useRef, useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { TextAreaField } from '../../../components/Fields';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import type { MessageKey } from '../../../i18n/en';
import { decide, getGrounds, NEEDS_REASON, type ExamAction, type ExamFiling } from '../api/examination';

export interface DecisionFormHandle {
  choose: (action: ExamAction) => void;
}

/** The examiner's decision: the move, the grounds from the office's list, and the reasons in words. */
export const DecisionForm = forwardRef<DecisionFormHandle, { filing: ExamFiling; moves: ExamAction[]; onDone: (f: ExamFiling) => void }>(function DecisionForm({ filing, moves, onDone }, ref) {
  const { t, locale } = useI18n();
  const [action, setAction] = useState<ExamAction | undefined>(moves[0]);
  const [reason, setReason] = useState('');
  const [grounds, setGrounds] = useState<string[]>([]);
  const [upheld, setUpheld] = useState<boolean>();
  const [error, setError] = useState<unknown>();
  const [reasonError, setReasonError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const { data: allGrounds } = useAsync((signal) => getGrounds(signal).catch(() => []), []);
  const applicable = (allGrounds ?? []).filter((g) => g.appliesTo.includes(filing.protectionType));
  const chosen = action && moves.includes(action) ? action : moves[0];

  useImperativeHandle(ref, () => ({
    choose: (a) => {
      if (!moves.includes(a)) return;
      setAction(a);
      if (NEEDS_REASON.includes(a)) setTimeout(() => reasonRef.current?.focus(), 0);
    },
  }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    const needsReason = NEEDS_REASON.includes(chosen);
    if (needsReason && !reason.trim()) {
      setReasonError(t('form.required'));
      reasonRef.current?.focus();
      return;
    }
    setReasonError(undefined);
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...((chosen === 'request_correction' || chosen === 'refuse') && grounds.length ? { grounds } : {}),
        ...(chosen === 'decide_opposition' ? { upheld: upheld ?? false } : {}),
      };
      onDone(await decide(filing.id, chosen, body));
      setReason('');
      setGrounds([]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!moves.length) return <p className="muted">{t('decision.none')}</p>;
  return (
    <form className="card form decision" onSubmit={submit} noValidate aria-labelledby="decision-title">
      <h2 id="decision-title">{t('decision.title')}</h2>
      <ErrorMessage error={error} />
      <fieldset>
        <legend>{t('decision.move')}</legend>
        {moves.map((m) => (
          <label key={m} className="choice">
            <input type="radio" name="action" value={m} checked={chosen === m} onChange={() => setAction(m)} />
            <span>
              {t(`action.${m}` as MessageKey)} <kbd>{t(`shortcut.${m}` as MessageKey)}</kbd>
            </span>
          </label>
        ))}
      </fieldset>
      {chosen === 'decide_opposition' && (
        <fieldset>
          <legend>{t('decision.upheldQuestion')}</legend>
          <label className="choice">
            <input type="radio" name="upheld" checked={upheld === true} onChange={() => setUpheld(true)} /> <span>{t('decision.upheld')}</span>
          </label>
          <label className="choice">
            <input type="radio" name="upheld" checked={upheld === false} onChange={() => setUpheld(false)} /> <span>{t('decision.rejected')}</span>
          </label>
        </fieldset>
      )}
      {(chosen === 'request_correction' || chosen === 'refuse') && applicable.length > 0 && (
        <fieldset>
          <legend>{t('decision.grounds')}</legend>
          {applicable.map((g) => (
            <label key={g.code} className="checkbox">
              <input type="checkbox" checked={grounds.includes(g.code)} onChange={(e) => setGrounds(e.target.checked ? [...grounds, g.code] : grounds.filter((c) => c !== g.code))} />
              <span>{g.names[locale]}</span>
            </label>
          ))}
        </fieldset>
      )}
      {chosen !== 'claim' && (
        <TextAreaField
          ref={reasonRef}
          label={t('decision.reason')}
          hint={NEEDS_REASON.includes(chosen!) ? t('decision.reasonHint') : t('common.optional')}
          required={NEEDS_REASON.includes(chosen!)}
          rows={4}
          value={reason}
          error={reasonError}
          onChange={(e) => setReason(e.target.value)}
        />
      )}
      <button type="submit" className="button" disabled={busy}>
        {t(`action.${chosen!}` as MessageKey)}
      </button>
    </form>
  );
});
