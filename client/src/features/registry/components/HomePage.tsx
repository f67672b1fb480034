import { Link, useNavigate } from 'react-router-dom';
import { PageTitle } from '../../../components/PageTitle';
import { useI18n } from '../../../i18n/i18n';
import { useAuth } from '../../../lib/auth';
import { PhotoPicker } from './PhotoPicker';
import { SearchBox } from './SearchBox';

export function HomePage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const navigate = useNavigate();
  return (
    <>
      <section className="hero">
        <PageTitle title={t('home.title')}>{t('home.title')}</PageTitle>
        <p className="lead">{t('home.lead')}</p>
        <SearchBox onSearch={(q) => navigate(`/search?q=${encodeURIComponent(q)}`)} />
        <div className="hero-photo">
          <p>{t('home.photoHint')}</p>
          <PhotoPicker onPick={(file) => navigate('/search/photo', { state: { file } })} />
        </div>
      </section>
      <section className="tiles" aria-label={t('home.forWhom')}>
        <article className="tile">
          <h2>{t('home.artisans.title')}</h2>
          <p>{t('home.artisans.body')}</p>
          <Link to={user ? '/filings/new' : '/signup'} className="button button-secondary">
            {t('home.artisans.cta')}
          </Link>
        </article>
        <article className="tile">
          <h2>{t('home.buyers.title')}</h2>
          <p>{t('home.buyers.body')}</p>
          <Link to="/search">{t('home.buyers.cta')}</Link>
        </article>
        <article className="tile">
          <h2>{t('home.gazette.title')}</h2>
          <p>{t('home.gazette.body')}</p>
          <Link to="/gazette">{t('home.gazette.cta')}</Link>
        </article>
      </section>
    </>
  );
}
