/** Codes and names of crafts, regions, types, statuses and classes (GET /reference), fetched once. */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { api } from './api-client';

export interface ReferenceEntry {
  code: string;
  names: { ar: string; fr: string; en: string };
}
export interface Reference {
  crafts: ReferenceEntry[];
  regions: ReferenceEntry[];
  protectionTypes: ReferenceEntry[];
  statuses: ReferenceEntry[];
  locarnoClasses: ReferenceEntry[];
  niceClasses: ReferenceEntry[];
  tkLabels: ReferenceEntry[];
}
export type ReferenceKind = keyof Reference;

const ReferenceContext = createContext<Reference | undefined>(undefined);

export function ReferenceProvider({ children }: { children: ReactNode }) {
  const [reference, setReference] = useState<Reference>();
  useEffect(() => {
    let alive = true;
    const load = (attempt: number) => {
      api.get<Reference>('/reference').then(
        (r) => alive && setReference(r),
        // A weak network: try again a little later rather than leave the filters empty.
        () => alive && attempt < 5 && setTimeout(() => load(attempt + 1), 1000 * 2 ** attempt),
      );
    };
    load(0);
    return () => {
      alive = false;
    };
  }, []);
  return <ReferenceContext.Provider value={reference}>{children}</ReferenceContext.Provider>;
}

/** The entries of one kind, and the name of a code in the reader's language (the code itself until loaded). */
export function useReference() {
  const reference = useContext(ReferenceContext);
  const { locale } = useI18n();
  return {
    loaded: Boolean(reference),
    entries: (kind: ReferenceKind) => reference?.[kind] ?? [],
    name: (kind: ReferenceKind, code: string | undefined) => {
      if (!code) return '';
      return reference?.[kind].find((e) => e.code === code)?.names[locale] ?? code;
    },
  };
}
