/**
 * The wizard's form, and the draft saved as it goes: every change is sent (PATCH) a moment after
 * the artisan stops typing, only the fields that changed and are already valid, so a half-typed
 * field never blocks saving the rest.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { filingFieldsSchema, patchFiling, type Filing, type FilingFields, type ProtectionType } from '../api/filings';

export interface DraftForm {
  titleAr: string;
  titleFr: string;
  titleEn: string;
  descAr: string;
  descFr: string;
  descEn: string;
  craft: string;
  region: string;
  community: string;
  techniques: string;
  materials: string;
  locarnoClass: string;
  niceClasses: number[];
  tkLabel: string;
  sensitive: '' | 'yes' | 'no';
}

export const emptyForm: DraftForm = {
  titleAr: '', titleFr: '', titleEn: '', descAr: '', descFr: '', descEn: '', craft: '', region: '', community: '',
  techniques: '', materials: '', locarnoClass: '', niceClasses: [], tkLabel: '', sensitive: '',
};

export function formFromFiling(f: Filing): DraftForm {
  return {
    titleAr: f.title.ar ?? '', titleFr: f.title.fr ?? '', titleEn: f.title.en ?? '',
    descAr: f.description?.ar ?? '', descFr: f.description?.fr ?? '', descEn: f.description?.en ?? '',
    craft: f.craft ?? '', region: f.region ?? '', community: f.community ?? '',
    techniques: (f.techniques ?? []).join(', '), materials: (f.materials ?? []).join(', '),
    locarnoClass: f.locarnoClass ?? '', niceClasses: f.niceClasses ?? [], tkLabel: f.tkLabel ?? '',
    sensitive: f.sensitive === undefined ? '' : f.sensitive ? 'yes' : 'no',
  };
}

const text = (ar: string, fr: string, en: string) => {
  const out: { ar?: string; fr?: string; en?: string } = {};
  if (ar.trim()) out.ar = ar.trim();
  if (fr.trim()) out.fr = fr.trim();
  if (en.trim()) out.en = en.trim();
  return out;
};
const list = (s: string) => s.split(/[,،\n]/).map((x) => x.trim()).filter(Boolean);

/** The API's fields from the form: only those the chosen kind of protection asks for. */
export function fieldsFromForm(form: DraftForm, type: ProtectionType): Partial<FilingFields> {
  const out: Partial<FilingFields> = {
    title: text(form.titleAr, form.titleFr, form.titleEn),
    description: text(form.descAr, form.descFr, form.descEn),
  };
  if (form.craft) out.craft = form.craft;
  if (form.region) out.region = form.region;
  if (type === 'industrial_design' && form.locarnoClass) out.locarnoClass = form.locarnoClass;
  if (type === 'collective_mark') out.niceClasses = form.niceClasses;
  if (type === 'heritage_inventory') {
    if (form.community.trim()) out.community = form.community.trim();
    out.techniques = list(form.techniques);
    out.materials = list(form.materials);
    if (form.tkLabel) out.tkLabel = form.tkLabel;
    if (form.sensitive) out.sensitive = form.sensitive === 'yes';
  }
  return out;
}

const partial = filingFieldsSchema.partial();
type SaveState = { state: 'idle' | 'saving' | 'saved' | 'failed'; at?: Date; error?: unknown };

export function useDraft(filing: Filing | undefined, onSaved: (f: Filing) => void) {
  const [form, setForm] = useState<DraftForm>(emptyForm);
  const [save, setSave] = useState<SaveState>({ state: 'idle' });
  const saved = useRef<Record<string, string>>({});
  const loadedId = useRef<string>(undefined);

  useEffect(() => {
    if (!filing || loadedId.current === filing.id) return;
    loadedId.current = filing.id;
    const initial = formFromFiling(filing);
    setForm(initial);
    saved.current = Object.fromEntries(Object.entries(fieldsFromForm(initial, filing.protectionType)).map(([k, v]) => [k, JSON.stringify(v)]));
  }, [filing]);

  const flush = useCallback(async () => {
    if (!filing) return;
    const fields = fieldsFromForm(form, filing.protectionType);
    const changed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      const json = JSON.stringify(value);
      if (saved.current[key] === json) continue;
      if (!partial.safeParse({ [key]: value }).success) continue; // not valid yet: saved once it is
      changed[key] = value;
    }
    if (!Object.keys(changed).length) return;
    setSave({ state: 'saving' });
    try {
      const next = await patchFiling(filing.id, changed);
      for (const key of Object.keys(changed)) saved.current[key] = JSON.stringify(changed[key]);
      setSave({ state: 'saved', at: new Date() });
      onSaved(next);
    } catch (error) {
      setSave({ state: 'failed', error });
    }
  }, [filing, form, onSaved]);

  // Save a moment after the last keystroke.
  useEffect(() => {
    if (!filing) return;
    const timer = setTimeout(() => void flush(), 900);
    return () => clearTimeout(timer);
  }, [form]);

  return { form, setForm, save, flush };
}
