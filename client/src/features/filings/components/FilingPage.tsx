import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { StatusBadge } from '../../../components/StatusBadge';
import { Timeline } from '../../../components/Timeline';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { useReference } from '../../../lib/reference';
import { act, EDITABLE, getFiling, renewalOpen, type FilerAction } from '../api/filings';
import { Countdown } from './Countdown';
import { askedOf } from './MyFilingsPage';

const BEFORE_REGISTERED = ['draft', 'submitted', 'formality_review', 'substantive_review', 'correction_requested', 'published', 'opposed'];

/** One filing from its owner's side: where it stands, what is asked, its history, and what can be done. */
export function FilingPage() {
  const { id = '' } = useParams();
  const { t, pick, formatDate } = useI18n();
  const { name } = useReference();
  const { data: f, error, loading, setData } = useAsync((signal) => getFiling(id, signal), [id]);
  const [actionError, setActionError] = useState<unknown>();
  const [confirmWithdraw, setConfirmWithdraw] = useState(false);

  if (loading && !f) return <Loading />;
  if (!f) return <ErrorMessage error={error} />;
  const title = pick(f.title);
  const asked = askedOf(f);
  const lastReason = [...(f.history ?? [])].reverse().find((h) => h.action === 'request_correction')?.reason;

  const run = async (action: FilerAction) => {
    setActionError(undefined);
    try {
      const next = await act(f.id, action);
      setData({ ...next, history: next.history ?? f.history });
      setConfirmWithdraw(false);
    } catch (err) {
      setActionError(err);
    }
  };

  return (
    <article>
      <PageTitle title={title.value || t('mine.untitled')}>
        <span lang={title.lang || undefined}>{title.value || t('mine.untitled')}</span>
      </PageTitle>
      <p>
        <StatusBadge status={f.status} /> {name('protectionTypes', f.protectionType)}
        {f.applicationNumber && (
          <>
            {' · '}
            <span dir="ltr">{f.applicationNumber}</span>
          </>
        )}
        {f.registrationNumber && (
          <>
            {' · '}
            <span dir="ltr">{f.registrationNumber}</span>
          </>
        )}
      </p>
      {asked && (
        <section className="card asked-card" aria-labelledby="asked-title">
          <h2 id="asked-title">{t('filing.asked')}</h2>
          <p>
            <strong>{t(`asked.${asked}`)}</strong>
          </p>
          {asked === 'correct' && (
            <>
              {lastReason && (
                <blockquote dir="auto" className="reason">
                  {lastReason}
                </blockquote>
              )}
              {f.correctionDeadline && (
                <p>
                  {t('filing.deadline')} <Countdown until={f.correctionDeadline} />
                </p>
              )}
            </>
          )}
          {asked === 'renew' && f.expiresAt && (
            <p>
              {t('filing.expires')} <Countdown until={f.expiresAt} />
            </p>
          )}
          {EDITABLE.includes(f.status) && (
            <Link className="button" to={`/filings/${f.id}/edit${f.status === 'correction_requested' ? '?step=about' : ''}`}>
              {f.status === 'draft' ? t('mine.continue') : t('filing.correct')}
            </Link>
          )}
          {asked === 'renew' && (
            <button type="button" className="button" onClick={() => void run('renew')}>
              {t('filing.renew')}
            </button>
          )}
        </section>
      )}
      <ErrorMessage error={actionError} />
      <div className="two-columns">
        <section aria-labelledby="timeline-title">
          <h2 id="timeline-title">{t('filing.timeline')}</h2>
          <Timeline events={f.history ?? []} />
        </section>
        <section aria-labelledby="facts-title">
          <h2 id="facts-title">{t('record.details')}</h2>
          <div className="thumbs">
            {f.images.map((img, i) => (
              <img key={img.id} src={img.urls.thumb} alt={t('photos.alt', { n: i + 1 })} width={96} height={96} />
            ))}
          </div>
          <dl className="facts">
            {(
              [
                ['filedAt', 'record.filedAt'],
                ['publishedAt', 'record.publishedAt'],
                ['oppositionEndsAt', 'record.oppositionEndsAt'],
                ['registeredAt', 'record.registeredAt'],
                ['expiresAt', 'record.expiresAt'],
              ] as const
            ).map(([key, label]) =>
              f[key] ? (
                <div className="fact" key={key}>
                  <dt>{t(label)}</dt>
                  <dd>{formatDate(f[key])}</dd>
                </div>
              ) : null,
            )}
          </dl>
          <p className="actions">
            {f.filedAt && <Link to={`/filings/${f.id}/receipt`}>{t('filing.receipt')}</Link>}
            {f.registrationNumber && (
              <>
                <a href={`/api/v1/registry/${encodeURIComponent(f.registrationNumber)}/certificate.pdf`} download>
                  {t('record.certificate')}
                </a>
                <Link to={`/records/${encodeURIComponent(f.registrationNumber)}`}>{t('filing.publicRecord')}</Link>
              </>
            )}
            {f.status === 'registered' && !renewalOpen(f) && f.protectionType !== 'heritage_inventory' && <span className="muted small">{t('filing.renewLater')}</span>}
          </p>
          {BEFORE_REGISTERED.includes(f.status) &&
            (confirmWithdraw ? (
              <div className="alert alert-warn">
                <p>{t('filing.withdrawConfirm')}</p>
                <button type="button" className="button button-danger" onClick={() => void run('withdraw')}>
                  {t('filing.withdrawYes')}
                </button>{' '}
                <button type="button" className="button button-secondary" onClick={() => setConfirmWithdraw(false)}>
                  {t('common.cancel')}
                </button>
              </div>
            ) : (
              <button type="button" className="link-button danger" onClick={() => setConfirmWithdraw(true)}>
                {t('filing.withdraw')}
              </button>
            ))}
        </section>
      </div>
    </article>
  );
}
