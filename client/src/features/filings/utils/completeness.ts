/**
 * What a filing still lacks before it can be submitted, per kind (the server's completeness rules,
 * repeated here so the review step can say it before the artisan presses submit).
 */
import type { MessageKey } from '../../../i18n/en';
import type { Filing } from '../api/filings';

export type Step = 'about' | 'details' | 'photos' | 'documents';
export interface Missing {
  step: Step;
  key: MessageKey;
}

export function missingParts(f: Filing): Missing[] {
  const out: Missing[] = [];
  const need = (ok: unknown, step: Step, key: MessageKey) => {
    if (!ok) out.push({ step, key });
  };
  const docs = new Set(f.documents.map((d) => d.kind));
  need(f.title.ar || f.title.fr, 'about', 'missing.title');
  need(f.craft, 'about', 'missing.craft');
  need(f.region, 'about', 'missing.region');
  if (f.protectionType === 'industrial_design') {
    need(f.locarnoClass, 'details', 'missing.locarnoClass');
    need(f.images.length >= 1, 'photos', 'missing.images');
  } else if (f.protectionType === 'collective_mark') {
    need(f.niceClasses?.length, 'details', 'missing.niceClasses');
    need(f.images.length >= 1, 'photos', 'missing.markImage');
    need(docs.has('regulations_of_use'), 'documents', 'missing.regulations');
  } else {
    need(f.community, 'details', 'missing.community');
    need(f.description?.ar || f.description?.fr, 'about', 'missing.practice');
    need(f.tkLabel, 'details', 'missing.tkLabel');
    need(typeof f.sensitive === 'boolean', 'details', 'missing.sensitive');
    need(docs.has('community_consent'), 'documents', 'missing.consent');
  }
  return out;
}

export function stepsFor(type: Filing['protectionType']): Step[] {
  return type === 'industrial_design' ? ['about', 'details', 'photos'] : ['about', 'details', 'photos', 'documents'];
}
