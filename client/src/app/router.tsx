/**
 * Every page of the client. Public pages load with the app; the artisan's, the examiner's and the
 * admin's pages are fetched when first opened, so a buyer scanning a QR code on a phone downloads
 * only what the public sees.
 */
import { lazy, Suspense, type ComponentType } from 'react';
import { createBrowserRouter } from 'react-router-dom';
import { Loading } from '../components/Loading';
import { FILERS, RequireRole, STAFF, type Role } from '../lib/auth';
import { HomePage } from '../features/registry/components/HomePage';
import { SearchResultsPage } from '../features/registry/components/SearchResultsPage';
import { PhotoSearchPage } from '../features/registry/components/PhotoSearchPage';
import { RecordPage } from '../features/registry/components/RecordPage';
import { VerifyPage } from '../features/registry/components/VerifyPage';
import { GazettePage } from '../features/registry/components/GazettePage';
import { SignInPage } from '../features/auth/components/SignInPage';
import { SignUpPage } from '../features/auth/components/SignUpPage';
import { Layout } from './Layout';
import { NotFoundPage } from './NotFoundPage';

function page(load: () => Promise<ComponentType>, roles?: Role[]) {
  const Component = lazy(() => load().then((component) => ({ default: component })));
  const element = (
    <Suspense fallback={<Loading />}>
      <Component />
    </Suspense>
  );
  return roles ? <RequireRole roles={roles}>{element}</RequireRole> : element;
}

const ALL: Role[] = [...FILERS, ...STAFF];

export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: '/', element: <HomePage /> },
      { path: '/search', element: <SearchResultsPage /> },
      { path: '/search/photo', element: <PhotoSearchPage /> },
      { path: '/records/:number', element: <RecordPage /> },
      { path: '/verify/:number', element: <VerifyPage /> },
      { path: '/gazette', element: <GazettePage /> },
      { path: '/signin', element: <SignInPage /> },
      { path: '/signup', element: <SignUpPage /> },
      { path: '/filings', element: page(() => import('../features/filings/components/MyFilingsPage').then((m) => m.MyFilingsPage), FILERS) },
      { path: '/filings/new', element: page(() => import('../features/filings/components/FilingWizard').then((m) => m.FilingWizard), FILERS) },
      { path: '/filings/:id', element: page(() => import('../features/filings/components/FilingPage').then((m) => m.FilingPage), FILERS) },
      { path: '/filings/:id/edit', element: page(() => import('../features/filings/components/FilingWizard').then((m) => m.FilingWizard), FILERS) },
      { path: '/filings/:id/receipt', element: page(() => import('../features/filings/components/ReceiptPage').then((m) => m.ReceiptPage), ALL) },
      { path: '/notifications', element: page(() => import('../features/notifications/components/NotificationsPage').then((m) => m.NotificationsPage), ALL) },
      { path: '/cooperative', element: page(() => import('../features/account/components/CooperativePage').then((m) => m.CooperativePage), ['cooperative']) },
      { path: '/exam', element: page(() => import('../features/examination/components/QueuePage').then((m) => m.QueuePage), STAFF) },
      { path: '/exam/:id', element: page(() => import('../features/examination/components/ReviewPage').then((m) => m.ReviewPage), STAFF) },
      { path: '/admin', element: page(() => import('../features/admin/components/AdminHomePage').then((m) => m.AdminHomePage), ['admin']) },
      { path: '/admin/users', element: page(() => import('../features/admin/components/UsersPage').then((m) => m.UsersPage), ['admin']) },
      { path: '/admin/import', element: page(() => import('../features/admin/components/ImportPage').then((m) => m.ImportPage), ['admin']) },
      { path: '/admin/stats', element: page(() => import('../features/admin/components/StatsPage').then((m) => m.StatsPage), STAFF) },
      { path: '/admin/audit', element: page(() => import('../features/admin/components/AuditPage').then((m) => m.AuditPage), ['admin']) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
