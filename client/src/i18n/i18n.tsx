/**
 * Languages: Arabic (right to left, the default for Arabic browsers), French and English. Every
 * string lives in a typed dictionary per locale, so a missing translation fails the typecheck.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ar } from './ar';
import { en, type MessageKey } from './en';
import { fr } from './fr';

export const LOCALES = ['ar', 'fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const DICTIONARIES = { ar, fr, en } satisfies Record<Locale, Record<MessageKey, string>>;
/** Intl tags: Moroccan Arabic and French conventions (Latin digits, day-month order). */
const INTL_TAGS: Record<Locale, string> = { ar: 'ar-MA', fr: 'fr-MA', en: 'en-GB' };
export const LANGUAGE_NAMES: Record<Locale, string> = { ar: 'العربية', fr: 'Français', en: 'English' };
const STORAGE_KEY = 'naqsh.locale';

export type Vars = Record<string, string | number>;
/** Multilingual text as the API gives it. */
export type Multilingual = Partial<Record<'ar' | 'fr' | 'en' | 'zgh', string>>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The remembered choice, else the browser's first language we speak, else Arabic. */
export function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    // storage blocked: fall through to the browser's languages
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'ar';
}

export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  const template = DICTIONARIES[locale][key];
  if (!vars) return template;
  const numbers = new Intl.NumberFormat(INTL_TAGS[locale]);
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = vars[name];
    return value === undefined ? `{${name}}` : typeof value === 'number' ? numbers.format(value) : value;
  });
}

interface I18n {
  locale: Locale;
  dir: 'rtl' | 'ltr';
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  formatDate: (iso: string | undefined) => string;
  formatDateTime: (iso: string | undefined) => string;
  formatNumber: (value: number, options?: Intl.NumberFormatOptions) => string;
  /** The text in the reader's language, else the nearest one given, with the language it is in. */
  pick: (text: Multilingual | string | undefined) => { value: string; lang: string };
}

const I18nContext = createContext<I18n | undefined>(undefined);

const FALLBACK: Record<Locale, Array<keyof Multilingual>> = {
  ar: ['ar', 'fr', 'en', 'zgh'],
  fr: ['fr', 'ar', 'en', 'zgh'],
  en: ['en', 'fr', 'ar', 'zgh'],
};

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const dir = locale === 'ar' ? 'rtl' : 'ltr';

  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dir = dir;
  }, [locale, dir]);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this visit
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const tag = INTL_TAGS[locale];
    const date = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'Africa/Casablanca' });
    const dateTime = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Africa/Casablanca' });
    const format = (f: Intl.DateTimeFormat) => (iso: string | undefined) => {
      if (!iso) return '';
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? '' : f.format(d);
    };
    return {
      locale,
      dir,
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      formatDate: format(date),
      formatDateTime: format(dateTime),
      formatNumber: (n, options) => new Intl.NumberFormat(tag, options).format(n),
      pick: (text) => {
        if (typeof text === 'string') return { value: text, lang: '' };
        for (const lang of FALLBACK[locale]) {
          const v = text?.[lang];
          if (v) return { value: v, lang };
        }
        return { value: '', lang: '' };
      },
    };
  }, [locale, dir, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
