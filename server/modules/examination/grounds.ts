/**
 * The grounds an examiner picks from when asking for corrections or refusing (plus free text).
 * Formal defects apply to every filing; absolute grounds to marks; and the ground this registry
 * exists for: a communal heritage motif claimed as one person's design. Labels are what the
 * applicant reads, in their language.
 */
import type { ProtectionType } from '../reference/reference.data.js';

export type GroundCategory = 'formal' | 'absolute' | 'heritage' | 'design';

export interface Ground {
  code: string;
  category: GroundCategory;
  appliesTo: readonly ProtectionType[];
  names: { ar: string; fr: string; en: string };
}

const ALL: readonly ProtectionType[] = ['industrial_design', 'collective_mark', 'heritage_inventory'];
const ground = (code: string, category: GroundCategory, appliesTo: readonly ProtectionType[], ar: string, fr: string, en: string): Ground => ({
  code,
  category,
  appliesTo,
  names: { ar, fr, en },
});

export const GROUNDS: readonly Ground[] = [
  // Formal defects
  ground('images_missing_or_unclear', 'formal', ALL, 'الصور ناقصة أو غير واضحة', 'Images manquantes ou peu lisibles', 'Images missing or unclear'),
  ground('description_incomplete', 'formal', ALL, 'الوصف غير كامل', 'Description incomplète', 'Incomplete description'),
  ground('applicant_details', 'formal', ALL, 'بيانات المودع غير صحيحة أو ناقصة', 'Coordonnées du déposant incorrectes ou incomplètes', "Applicant's details incorrect or incomplete"),
  ground('classification_wrong', 'formal', ['industrial_design', 'collective_mark'], 'التصنيف غير صحيح', 'Classification erronée', 'Wrong classification'),
  ground('regulations_of_use_missing', 'formal', ['collective_mark'], 'نظام الاستعمال ناقص', "Règlement d'usage manquant", 'Regulations of use missing'),
  ground('community_consent_missing', 'formal', ['heritage_inventory'], 'موافقة الجماعة ناقصة', 'Consentement de la communauté manquant', "Community's consent missing"),
  // Absolute grounds for marks
  ground('lacks_distinctiveness', 'absolute', ['collective_mark'], 'تفتقر إلى الطابع المميز', 'Dépourvue de caractère distinctif', 'Lacks distinctive character'),
  ground('descriptive_or_generic', 'absolute', ['collective_mark'], 'وصفية أو عامة', 'Descriptive ou générique', 'Descriptive or generic'),
  ground('deceptive', 'absolute', ['collective_mark'], 'مضللة للجمهور', 'Trompeuse', 'Deceptive'),
  ground('public_order_or_morality', 'absolute', ['collective_mark', 'industrial_design'], 'مخالفة للنظام العام أو الآداب', "Contraire à l'ordre public ou aux bonnes mœurs", 'Contrary to public order or morality'),
  ground('protected_emblem', 'absolute', ['collective_mark'], 'تتضمن شعارا محميا', 'Reproduit un emblème protégé', 'Contains a protected emblem'),
  // Designs
  ground('lacks_novelty', 'design', ['industrial_design'], 'يفتقر إلى الجدة', 'Défaut de nouveauté', 'Lacks novelty'),
  // Heritage
  ground(
    'communal_heritage_motif',
    'heritage',
    ALL,
    'زخرفة من التراث الجماعي مطالب بها كرسم فردي',
    'Motif du patrimoine communautaire revendiqué comme dessin individuel',
    'Communal heritage motif claimed as an individual design',
  ),
  ground('community_not_represented', 'heritage', ['heritage_inventory', 'collective_mark'], 'الجماعة غير ممثلة', "La communauté n'est pas représentée", 'The community is not represented'),
];

const byCode = new Map(GROUNDS.map((g) => [g.code, g]));

export const groundByCode = (code: string): Ground | undefined => byCode.get(code);

/** Problems with the grounds given for a filing of this type (unknown, or not for this type). */
export function groundProblems(codes: readonly string[], type: ProtectionType): { path: string; message: string }[] {
  return codes.flatMap((code, i) => {
    const g = byCode.get(code);
    if (!g) return [{ path: `grounds.${i}`, message: `Unknown ground "${code}"; see GET /api/v1/examination/grounds.` }];
    if (!g.appliesTo.includes(type)) return [{ path: `grounds.${i}`, message: `The ground "${code}" does not apply to a ${type}.` }];
    return [];
  });
}

/** Labels of grounds in one language (unknown codes are shown as they are). */
export function groundLabels(codes: readonly string[], locale: 'ar' | 'fr' | 'en'): string[] {
  return codes.map((c) => byCode.get(c)?.names[locale] ?? c);
}
