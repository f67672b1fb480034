/**
 * An examiner's desk for one filing: the images (zoomable) beside the prior art, the facts, the
 * history, internal notes and the decision. Keys for the common moves: c claim, a accept or
 * approve, r request a correction, x refuse, n note, ? help.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageTitle } from '../../../components/PageTitle';
import { StatusBadge } from '../../../components/StatusBadge';
import { Text } from '../../../components/Text';
import { Timeline } from '../../../components/Timeline';
import { ZoomableImage } from '../../../components/ZoomableImage';
import { useAsync } from '../../../hooks/use-async';
import { useI18n } from '../../../i18n/i18n';
import { useAuth } from '../../../lib/auth';
import { useReference } from '../../../lib/reference';
import { getAvailableMoves, getExamFiling, movesFor, type ExamAction } from '../api/examination';
import { DecisionForm, type DecisionFormHandle } from './DecisionForm';
import { NotesPanel } from './NotesPanel';
import { PriorArtPanel } from './PriorArtPanel';

const KEYS: Record<string, ExamAction[]> = {
  c: ['claim'],
  a: ['accept_formalities', 'approve'],
  r: ['request_correction'],
  x: ['refuse'],
  o: ['decide_opposition'],
};

function typing(target: EventTarget | null) {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

export function ReviewPage() {
  const { id = '' } = useParams();
  const { t, pick, formatDate } = useI18n();
  const { user } = useAuth();
  const { name } = useReference();
  const { data: f, error, loading, setData, reload } = useAsync((signal) => getExamFiling(id, signal), [id]);
  const decision = useRef<DecisionFormHandle>(null);
  const [help, setHelp] = useState(false);
  const available = useAsync((signal) => getAvailableMoves(id, signal), [id, f?.version, f?.status]);
  const moves = available.data ?? (f ? movesFor(f, user?.id) : []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      if (e.key === '?') return setHelp((h) => !h);
      if (e.key === 'n') {
        e.preventDefault();
        document.querySelector<HTMLTextAreaElement>('#notes-title ~ form textarea')?.focus();
        return;
      }
      const action = KEYS[e.key]?.find((a) => moves.includes(a));
      if (action) {
        e.preventDefault();
        decision.current?.choose(action);
        document.getElementById('decision-title')?.scrollIntoView({ block: 'nearest' });
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [moves]);

  if (loading && !f) return <Loading />;
  if (!f) return <ErrorMessage error={error} />;
  const title = pick(f.title);

  return (
    <article className="review-page">
      <p>
        <Link to="/exam">← {t('queue.title')}</Link>
      </p>
      <PageTitle title={title.value}>
        <span lang={title.lang || undefined}>{title.value}</span>
      </PageTitle>
      <p>
        <StatusBadge status={f.status} /> {name('protectionTypes', f.protectionType)} · <bdi dir="ltr">{f.applicationNumber}</bdi> · <bdi>{f.owner.fullName}</bdi> ·{' '}
        <bdi>{formatDate(f.filedAt)}</bdi>
      </p>
      <p className="small muted">
        <button type="button" className="link-button" aria-expanded={help} onClick={() => setHelp((h) => !h)}>
          {t('shortcuts.title')}
        </button>
      </p>
      {help && (
        <dl className="shortcuts card">
          {(['c', 'a', 'r', 'x', 'o', 'n', '?'] as const).map((k) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{t(`shortcuts.${k === '?' ? 'help' : k}`)}</dd>
            </div>
          ))}
        </dl>
      )}
      <div className="side-by-side">
        <section aria-labelledby="images-title">
          <h2 id="images-title">{t('review.images')}</h2>
          {f.images.map((img, i) => (
            <ZoomableImage key={img.id} src={img.urls.display} alt={t('record.imageAlt', { n: i + 1, title: title.value })} />
          ))}
          {!f.images.length && <p className="muted">{t('record.noImages')}</p>}
        </section>
        <PriorArtPanel id={f.id} />
      </div>
      <div className="two-columns">
        <div>
          <section aria-labelledby="facts-title">
            <h2 id="facts-title">{t('record.details')}</h2>
            <dl className="facts">
              <div className="fact">
                <dt>{t('record.titles')}</dt>
                <dd>
                  {Object.entries(f.title).map(([lang, v]) => (
                    <p key={lang} lang={lang} dir="auto">
                      {v}
                    </p>
                  ))}
                </dd>
              </div>
              {f.description && (
                <div className="fact">
                  <dt>{t('record.description')}</dt>
                  <dd>
                    <Text value={f.description} as="p" />
                  </dd>
                </div>
              )}
              <div className="fact">
                <dt>{t('field.craft')}</dt>
                <dd>{name('crafts', f.craft)}</dd>
              </div>
              <div className="fact">
                <dt>{t('field.region')}</dt>
                <dd>{name('regions', f.region)}</dd>
              </div>
              {f.locarnoClass && (
                <div className="fact">
                  <dt>{t('field.locarnoClass')}</dt>
                  <dd>{`${f.locarnoClass} — ${name('locarnoClasses', f.locarnoClass)}`}</dd>
                </div>
              )}
              {f.niceClasses?.length ? (
                <div className="fact">
                  <dt>{t('field.niceClasses')}</dt>
                  <dd>{f.niceClasses.join(', ')}</dd>
                </div>
              ) : null}
              {f.community && (
                <div className="fact">
                  <dt>{t('field.community')}</dt>
                  <dd dir="auto">{f.community}</dd>
                </div>
              )}
              {f.tkLabel && (
                <div className="fact">
                  <dt>{t('field.tkLabel')}</dt>
                  <dd>{name('tkLabels', f.tkLabel)}</dd>
                </div>
              )}
              {f.documents.map((d) => (
                <div className="fact" key={d.id}>
                  <dt>{t(`doc.${d.kind as 'other'}`)}</dt>
                  <dd>
                    <a href={`/api/v1/applications/${f.id}/documents/${d.id}`} dir="auto">
                      {d.fileName}
                    </a>
                  </dd>
                </div>
              ))}
            </dl>
          </section>
          <section aria-labelledby="history-title">
            <h2 id="history-title">{t('filing.timeline')}</h2>
            <Timeline events={f.history ?? []} />
          </section>
        </div>
        <div>
          <DecisionForm
            key={`${f.status}-${f.version}-${moves.join()}`}
            ref={decision}
            filing={f}
            moves={moves}
            onDone={(next) => {
              setData({ ...next, history: next.history ?? f.history });
              reload();
            }}
          />
          <NotesPanel id={f.id} />
        </div>
      </div>
    </article>
  );
}
