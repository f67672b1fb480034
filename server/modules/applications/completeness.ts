/**
 * What a filing needs before it can be submitted, per protection type (pure: no database).
 * Each problem names the field and says, in words an applicant understands, what is missing.
 *  - every filing: a title in Arabic or French, a craft and a region;
 *  - collective marks: filed by a cooperative, at least one Nice class (1–45), the regulations
 *    of use (PDF), and a representation of the mark (an image);
 *  - industrial designs: a Locarno class from the reference list and 1 to 10 views;
 *  - heritage entries: the community, the region, a description of the practice, the community's
 *    consent (PDF), a Traditional Knowledge label and the sensitivity flag set either way.
 */
import type { FieldProblem } from '../../lib/errors.js';
import { LOCARNO_CLASSES, TK_LABELS } from '../reference/reference.data.js';

export const MAX_DESIGN_VIEWS = 10;

type Text = { ar?: string | null; fr?: string | null; en?: string | null; zgh?: string | null } | null | undefined;

/** The parts of a filing the check reads (a stored document or a plain object both fit). */
export interface CompletenessInput {
  protectionType: string;
  ownerRole?: string | null;
  title?: Text;
  description?: Text;
  craft?: string | null;
  region?: string | null;
  community?: string | null;
  locarnoClass?: string | null;
  niceClasses?: number[] | null;
  tkLabel?: string | null;
  sensitive?: boolean | null;
  images?: readonly unknown[] | null;
  documents?: ReadonlyArray<{ kind: string }> | null;
}

const hasText = (t: Text) => Boolean(t && (t.ar?.trim() || t.fr?.trim()));

export function checkCompleteness(application: CompletenessInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const need = (ok: unknown, path: string, message: string) => {
    if (!ok) problems.push({ path, message });
  };
  const images = application.images?.length ?? 0;
  const documentKinds = new Set((application.documents ?? []).map((d) => d.kind));

  need(hasText(application.title), 'title', 'A title in Arabic (ar) or French (fr) is required.');
  need(application.craft, 'craft', 'The craft is required.');
  need(application.region, 'region', 'The region is required.');

  switch (application.protectionType) {
    case 'collective_mark': {
      need(application.ownerRole === 'cooperative', 'protectionType', 'Only a cooperative may file a collective mark.');
      const classes = application.niceClasses ?? [];
      need(classes.length > 0, 'niceClasses', 'A collective mark needs at least one Nice class (1 to 45).');
      need(classes.every((c) => Number.isInteger(c) && c >= 1 && c <= 45), 'niceClasses', 'Nice classes are whole numbers from 1 to 45.');
      need(documentKinds.has('regulations_of_use'), 'documents', 'A collective mark needs its regulations of use (a PDF document of kind regulations_of_use).');
      need(images > 0, 'images', 'A collective mark needs an image of the mark.');
      break;
    }
    case 'industrial_design': {
      need(
        application.locarnoClass && (LOCARNO_CLASSES as readonly string[]).includes(application.locarnoClass),
        'locarnoClass',
        'An industrial design needs a Locarno class from the reference list (e.g. 06-11 for carpets).',
      );
      need(images >= 1 && images <= MAX_DESIGN_VIEWS, 'images', `An industrial design needs 1 to ${MAX_DESIGN_VIEWS} views (it has ${images}).`);
      break;
    }
    case 'heritage_inventory': {
      need(application.community?.trim(), 'community', 'A heritage entry names the community that holds the practice.');
      need(hasText(application.description), 'description', 'A heritage entry needs a description of the practice in Arabic or French.');
      need(documentKinds.has('community_consent'), 'documents', "A heritage entry needs the community's consent (a PDF document of kind community_consent).");
      need(
        application.tkLabel && (TK_LABELS as readonly string[]).includes(application.tkLabel),
        'tkLabel',
        'A heritage entry needs a Traditional Knowledge label (e.g. attribution, non_commercial, culturally_sensitive).',
      );
      need(typeof application.sensitive === 'boolean', 'sensitive', 'Say whether the entry is culturally sensitive (true keeps its images out of public view).');
      break;
    }
    default:
      problems.push({ path: 'protectionType', message: `Unknown protection type ${application.protectionType}.` });
  }
  return problems;
}
