/**
 * The one way the client talks to the server (API.md): JSON in and out, cookies of this origin,
 * the CSRF token on every state-changing request, and problem+json errors turned into ApiError
 * so pages can show them in the reader's language.
 */
export interface FieldProblem {
  path: string;
  message: string;
}
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: FieldProblem[];
}

export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    /** Seconds to wait before trying again (429). */
    readonly retryAfter?: number,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
  }
  get status() {
    return this.problem.status;
  }
}

export const API_BASE = '/api/v1';

let csrfToken: Promise<string> | undefined;

/** A new session (sign-in, sign-out) binds a new token: forget the old one, or take the one given. */
export function setCsrfToken(token: string | undefined) {
  csrfToken = token ? Promise.resolve(token) : undefined;
}

export function getCsrfToken(): Promise<string> {
  csrfToken ??= fetch(`${API_BASE}/auth/csrf`, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(async (res) => {
      if (!res.ok) throw await toApiError(res);
      return ((await res.json()) as { csrfToken: string }).csrfToken;
    })
    .catch((err: unknown) => {
      csrfToken = undefined;
      throw err;
    });
  return csrfToken;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function toApiError(res: Response): Promise<ApiError> {
  let problem: Problem = { status: res.status };
  try {
    const body = (await res.json()) as Partial<Problem>;
    problem = { ...body, status: res.status };
  } catch {
    // not JSON (a proxy's page): the status alone says enough
  }
  const retry = Number(res.headers.get('Retry-After'));
  return new ApiError(problem, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

/** A network failure (offline, timeout) as an ApiError with status 0. */
export function networkError(): ApiError {
  return new ApiError({ status: 0, code: 'network' });
}

const isCsrfFailure = (err: ApiError) => err.status === 403 && err.problem.code === 'csrf_failed';

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const unsafe = method !== 'GET' && method !== 'HEAD';
  const isForm = options.body instanceof FormData;
  const send = async () => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined && !isForm) headers['Content-Type'] = 'application/json';
    if (unsafe) headers['X-CSRF-Token'] = await getCsrfToken();
    try {
      return await fetch(API_BASE + withQuery(path, options.query), {
        method,
        credentials: 'same-origin',
        headers,
        signal: options.signal,
        body: options.body === undefined ? undefined : isForm ? (options.body as FormData) : JSON.stringify(options.body),
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw networkError();
    }
  };
  let res = await send();
  if (!res.ok) {
    const err = await toApiError(res);
    // The session changed under us (expired, signed in elsewhere): one retry with a fresh token.
    if (!unsafe || !isCsrfFailure(err)) throw err;
    setCsrfToken(undefined);
    res = await send();
    if (!res.ok) throw await toApiError(res);
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
};

/** A list answer (API.md, Conventions). */
export interface Page<T> {
  items: T[];
  total: number;
  nextCursor?: string;
}
