/**
 * A small HTTP client for a running Naqsh (a child process, another instance): keeps the cookies
 * of one browser and sends the current CSRF token on every request, as the web client does.
 * Used by the benchmarks and the reliability suite, which talk to real processes over TCP.
 *
 *   const alice = await Session.register(url, 'artisan');
 *   const res = await alice.json('POST', '/api/v1/applications', { ... });
 *   const other = alice.on(otherUrl);   // the same cookies against another instance
 */
import { randomUUID } from 'node:crypto';

export const API = '/api/v1';
export const PASSWORD = 'correct horse battery staple';

/** Answers come in many shapes; callers assert on the fields they read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonBody = any;

export interface Answer<T = JsonBody> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface FilePart {
  field: string;
  data: Buffer;
  fileName: string;
  type?: string;
}

export class Session {
  cookies = new Map<string, string>();
  csrf?: string;
  user?: { id: string; email: string; role: string };

  constructor(public baseUrl: string) {}

  /** The same browser (cookies and CSRF token) talking to another instance. */
  on(baseUrl: string): Session {
    const twin = new Session(baseUrl);
    twin.cookies = this.cookies;
    twin.csrf = this.csrf;
    twin.user = this.user;
    return twin;
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Any request; `body` is sent as JSON unless it is FormData or a string. Never throws on a status. */
  async request<T = JsonBody>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const h: Record<string, string> = { Accept: 'application/json', ...headers };
    if (this.cookies.size) h.Cookie = this.cookieHeader();
    if (this.csrf && method !== 'GET' && method !== 'HEAD') h['X-CSRF-Token'] = this.csrf;
    let payload: RequestInit['body'];
    if (body instanceof FormData || typeof body === 'string' || body instanceof Uint8Array) payload = body as RequestInit['body'];
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers: h, body: payload, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    if (/json/.test(res.headers.get('content-type') ?? '')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const answer = { status: res.status, body: parsed as T, text, headers: res.headers };
    const token = (parsed as { csrfToken?: unknown } | null)?.csrfToken;
    if (typeof token === 'string') this.csrf = token;
    return answer;
  }

  json<T = JsonBody>(method: string, path: string, body?: unknown) {
    return this.request<T>(method, path, body);
  }

  /** A multipart request: files and plain fields. */
  multipart<T = JsonBody>(path: string, files: FilePart[], fields: Record<string, string> = {}) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.fileName);
    return this.request<T>('POST', path, form);
  }

  /** A fresh browser: it holds a CSRF token but nobody is signed in. */
  static async anonymous(baseUrl: string): Promise<Session> {
    const s = new Session(baseUrl);
    await s.json('GET', `${API}/auth/csrf`);
    return s;
  }

  static async signIn(baseUrl: string, email: string, password: string): Promise<Session> {
    const s = await Session.anonymous(baseUrl);
    const res = await s.json('POST', `${API}/auth/login`, { email, password });
    if (res.status !== 200) throw new Error(`sign-in of ${email} answered ${res.status}: ${res.text}`);
    s.user = res.body.user;
    return s;
  }

  /** A new artisan or cooperative through POST /auth/register (signed in). */
  static async register(baseUrl: string, role: 'artisan' | 'cooperative', label: string = role): Promise<Session> {
    const s = await Session.anonymous(baseUrl);
    const email = `${label}.${randomUUID().slice(0, 8)}@example.ma`;
    const res = await s.json('POST', `${API}/auth/register`, {
      email,
      password: PASSWORD,
      fullName: `Bench ${label}`,
      accountType: role,
      ...(role === 'cooperative' ? { cooperative: { name: `Coopérative ${label}`, registrationNumber: `RC-${randomUUID().slice(0, 6)}` } } : {}),
    });
    if (res.status !== 201) throw new Error(`sign-up of ${email} answered ${res.status}: ${res.text}`);
    s.user = res.body.user;
    return s;
  }

  /** A staff account made by an admin session, then signed in. */
  static async staff(admin: Session, role: 'examiner' | 'admin'): Promise<Session> {
    const email = `${role}.${randomUUID().slice(0, 8)}@example.ma`;
    const res = await admin.json('POST', `${API}/admin/users`, { email, password: PASSWORD, fullName: `Staff ${role}`, role });
    if (res.status !== 201) throw new Error(`creating ${role} answered ${res.status}: ${res.text}`);
    return Session.signIn(admin.baseUrl, email, PASSWORD);
  }
}

/** A filing body the API accepts. */
export function filingBody(i: number) {
  return {
    protectionType: 'industrial_design',
    locarnoClass: '06-11',
    title: { fr: `Motif de test ${i}`, ar: `زخرفة ${i}` },
    description: { fr: `Une description du motif ${i}` },
    craft: 'carpet',
    region: 'fes-meknes',
  };
}
