import { RouterProvider } from 'react-router-dom';
import { I18nProvider } from '../i18n/i18n';
import { AuthProvider } from '../lib/auth';
import { ReferenceProvider } from '../lib/reference';
import { router } from './router';

/** Providers, outermost first: language (everything speaks it), reference data, then who is signed in. */
export function App() {
  return (
    <I18nProvider>
      <ReferenceProvider>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </ReferenceProvider>
    </I18nProvider>
  );
}
