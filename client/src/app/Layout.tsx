/** The frame of every page: skip link, header with navigation and language switch, main, footer. */
import { useEffect, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { LANGUAGE_NAMES, LOCALES, useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { useAuth, type Role } from '../lib/auth';

const LINKS: Array<{ to: string; key: MessageKey; roles?: Role[] }> = [
  { to: '/', key: 'nav.search' },
  { to: '/gazette', key: 'nav.gazette' },
  { to: '/filings', key: 'nav.myFilings', roles: ['artisan', 'cooperative'] },
  { to: '/filings/new', key: 'nav.newFiling', roles: ['artisan', 'cooperative'] },
  { to: '/cooperative', key: 'nav.cooperative', roles: ['cooperative'] },
  { to: '/exam', key: 'nav.queue', roles: ['examiner', 'admin'] },
  { to: '/admin', key: 'nav.admin', roles: ['admin'] },
  { to: '/admin/stats', key: 'nav.stats', roles: ['examiner'] },
  { to: '/notifications', key: 'nav.notifications', roles: ['artisan', 'cooperative', 'examiner', 'admin'] },
];

function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label={t('nav.language')}>
      {LOCALES.map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={l === locale} onClick={() => setLocale(l)}>
          {LANGUAGE_NAMES[l]}
        </button>
      ))}
    </div>
  );
}

export function Layout() {
  const { t } = useI18n();
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => setMenuOpen(false), [location.pathname]);

  const links = LINKS.filter((l) => !l.roles || (user && l.roles.includes(user.role)));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="site-header">
        <div className="header-row">
          <Link to="/" className="brand">
            <span className="brand-star" aria-hidden="true" />
            <span lang="ar">نقش</span>
            <span className="brand-latin" lang="fr">
              Naqsh
            </span>
          </Link>
          <LanguageSwitch />
          <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="site-nav" onClick={() => setMenuOpen((o) => !o)}>
            {t('nav.menu')}
          </button>
        </div>
        <nav id="site-nav" className={`site-nav${menuOpen ? ' open' : ''}`} aria-label={t('nav.main')}>
          <ul>
            {links.map((l) => (
              <li key={l.to}>
                <NavLink to={l.to} end>
                  {t(l.key)}
                </NavLink>
              </li>
            ))}
          </ul>
          <div className="account">
            {user ? (
              <>
                <span className="who" dir="auto">
                  {user.fullName}
                </span>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    void signOut().then(() => navigate('/'));
                  }}
                >
                  {t('nav.signOut')}
                </button>
              </>
            ) : (
              <>
                <NavLink to="/signin">{t('nav.signIn')}</NavLink>
                <NavLink to="/signup" className="button button-small">
                  {t('nav.signUp')}
                </NavLink>
              </>
            )}
          </div>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>{t('footer.about')}</p>
        <p>
          <a href="/api/docs">{t('footer.api')}</a>
        </p>
      </footer>
    </div>
  );
}
