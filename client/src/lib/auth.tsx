/** Who is signed in (GET /auth/me), shared by the whole app; pages guard themselves with RequireRole. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { api, ApiError, setCsrfToken } from './api-client';

export type Role = 'artisan' | 'cooperative' | 'examiner' | 'admin';
export interface Member {
  fullName: string;
  craft?: string;
  region?: string;
  phone?: string;
}
export interface User {
  id: string;
  email: string;
  fullName: string;
  role: Role;
  locale: string;
  phone?: string;
  craft?: string;
  region?: string;
  cooperative?: { name: string; registrationNumber: string; members: Member[] };
}

interface Auth {
  user: User | null;
  loading: boolean;
  /** After sign-in or sign-up: the new session comes with its own CSRF token. */
  signedIn: (user: User, csrfToken?: string) => void;
  signOut: () => Promise<void>;
  refresh: () => Promise<void>;
}

const AuthContext = createContext<Auth | undefined>(undefined);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    try {
      const res = await api.get<{ user: User }>('/auth/me');
      setUser(res.user);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) console.warn('auth/me failed', err);
      setUser(null);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const value = useMemo<Auth>(
    () => ({
      user,
      loading,
      refresh,
      signedIn: (next, csrfToken) => {
        setCsrfToken(csrfToken);
        setUser(next);
      },
      signOut: async () => {
        try {
          await api.post('/auth/logout');
        } finally {
          setCsrfToken(undefined);
          setUser(null);
        }
      },
    }),
    [user, loading, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

export const FILERS: Role[] = ['artisan', 'cooperative'];
export const STAFF: Role[] = ['examiner', 'admin'];

/** Renders its children for the given roles; sends others to sign in (and back here after). */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { user, loading } = useAuth();
  const location = useLocation();
  if (loading) return null;
  if (!user) return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!roles.includes(user.role)) return <Navigate to="/" replace />;
  return <>{children}</>;
}
