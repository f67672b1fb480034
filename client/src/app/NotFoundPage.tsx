import { Link } from 'react-router-dom';
import { PageTitle } from '../components/PageTitle';
import { useI18n } from '../i18n/i18n';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <section>
      <PageTitle title={t('notFound.title')}>{t('notFound.title')}</PageTitle>
      <p>{t('notFound.body')}</p>
      <Link to="/">{t('nav.home')}</Link>
    </section>
  );
}
