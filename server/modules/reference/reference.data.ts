/**
 * Reference codes of the HTTP contract (API.md, "Reference data"). The codes are part of the
 * contract; the names are what people read, in Arabic, French and English.
 */
export interface Names {
  ar: string;
  fr: string;
  en: string;
}
export interface ReferenceEntry {
  code: string;
  names: Names;
}

const entry = (code: string, ar: string, fr: string, en: string): ReferenceEntry => ({ code, names: { ar, fr, en } });

export const crafts = [
  entry('carpet', 'الزربية', 'Tapis', 'Carpet'),
  entry('pottery', 'الفخار', 'Poterie', 'Pottery'),
  entry('zellige', 'الزليج', 'Zellige', 'Zellige'),
  entry('embroidery', 'الطرز', 'Broderie', 'Embroidery'),
  entry('jewelry', 'الحلي', 'Bijouterie', 'Jewellery'),
  entry('leather', 'الجلد', 'Maroquinerie', 'Leather'),
  entry('wood', 'الخشب', 'Bois', 'Wood'),
  entry('metal', 'المعادن', 'Dinanderie et ferronnerie', 'Metalwork'),
  entry('basketry', 'السلالة', 'Vannerie', 'Basketry'),
  entry('textile', 'النسيج', 'Tissage', 'Textile'),
] as const;

export const regions = [
  entry('tanger-tetouan-al-hoceima', 'طنجة تطوان الحسيمة', 'Tanger-Tétouan-Al Hoceïma', 'Tangier-Tetouan-Al Hoceima'),
  entry('oriental', 'الشرق', "L'Oriental", 'Oriental'),
  entry('fes-meknes', 'فاس مكناس', 'Fès-Meknès', 'Fez-Meknes'),
  entry('rabat-sale-kenitra', 'الرباط سلا القنيطرة', 'Rabat-Salé-Kénitra', 'Rabat-Sale-Kenitra'),
  entry('beni-mellal-khenifra', 'بني ملال خنيفرة', 'Béni Mellal-Khénifra', 'Beni Mellal-Khenifra'),
  entry('casablanca-settat', 'الدار البيضاء سطات', 'Casablanca-Settat', 'Casablanca-Settat'),
  entry('marrakech-safi', 'مراكش آسفي', 'Marrakech-Safi', 'Marrakesh-Safi'),
  entry('draa-tafilalet', 'درعة تافيلالت', 'Drâa-Tafilalet', 'Draa-Tafilalet'),
  entry('souss-massa', 'سوس ماسة', 'Souss-Massa', 'Souss-Massa'),
  entry('guelmim-oued-noun', 'كلميم واد نون', 'Guelmim-Oued Noun', 'Guelmim-Oued Noun'),
  entry('laayoune-sakia-el-hamra', 'العيون الساقية الحمراء', 'Laâyoune-Sakia El Hamra', 'Laayoune-Sakia El Hamra'),
  entry('dakhla-oued-ed-dahab', 'الداخلة وادي الذهب', 'Dakhla-Oued Ed-Dahab', 'Dakhla-Oued Ed-Dahab'),
] as const;

export const protectionTypes = [
  entry('collective_mark', 'علامة جماعية', 'Marque collective', 'Collective mark'),
  entry('industrial_design', 'رسم أو نموذج صناعي', 'Dessin ou modèle industriel', 'Industrial design'),
  entry('heritage_inventory', 'جرد التراث اللامادي', 'Inventaire du patrimoine immatériel', 'Intangible heritage inventory'),
] as const;

export const statuses = [
  entry('draft', 'مسودة', 'Brouillon', 'Draft'),
  entry('submitted', 'مودع', 'Déposé', 'Submitted'),
  entry('formality_review', 'فحص شكلي', 'Examen de forme', 'Formality review'),
  entry('substantive_review', 'فحص موضوعي', 'Examen de fond', 'Substantive review'),
  entry('correction_requested', 'تصحيح مطلوب', 'Régularisation demandée', 'Correction requested'),
  entry('published', 'منشور', 'Publié', 'Published'),
  entry('opposed', 'موضوع تعرض', 'Opposé', 'Opposed'),
  entry('registered', 'مسجل', 'Enregistré', 'Registered'),
  entry('refused', 'مرفوض', 'Refusé', 'Refused'),
  entry('withdrawn', 'مسحوب', 'Retiré', 'Withdrawn'),
  entry('lapsed', 'منقضي', 'Déchu', 'Lapsed'),
] as const;

/** Locarno classes (class-subclass) that crafts are filed under. */
export const locarnoClasses = [
  entry('02-02', 'الملابس', 'Vêtements', 'Garments'),
  entry('02-04', 'الأحذية', 'Chaussures', 'Footwear'),
  entry('03-01', 'الحقائب', 'Sacs et malles', 'Trunks and bags'),
  entry('05-05', 'الأقمشة', 'Tissus', 'Textile fabrics'),
  entry('06-06', 'أثاث أخرى', 'Autres meubles', 'Other furniture'),
  entry('06-11', 'الزرابي', 'Tapis', 'Carpets and rugs'),
  entry('06-13', 'المفروشات', 'Tentures et tissus d’ameublement', 'Tapestries and furnishings'),
  entry('07-01', 'أواني المائدة', 'Vaisselle', 'Tableware'),
  entry('07-02', 'أواني الطبخ', 'Ustensiles de cuisson', 'Cooking utensils'),
  entry('07-06', 'أواني الشرب', 'Couverts et récipients', 'Drinking vessels and cutlery'),
  entry('09-01', 'الجرار', 'Bouteilles et jarres', 'Bottles and jars'),
  entry('11-01', 'الحلي', 'Bijouterie', 'Jewellery'),
  entry('11-02', 'التحف', 'Bibelots et décorations', 'Ornaments'),
  entry('25-01', 'مواد البناء والزليج', 'Matériaux de construction et carreaux', 'Building materials and tiles'),
  entry('26-05', 'الفوانيس', 'Lanternes et luminaires', 'Lamps and lanterns'),
  entry('32-00', 'الزخارف', 'Ornementation', 'Ornamentation'),
] as const;

const NICE_NAMES: Array<[string, string, string]> = [
  ['مواد كيميائية', 'Produits chimiques', 'Chemicals'],
  ['دهانات', 'Peintures', 'Paints'],
  ['مستحضرات التجميل', 'Cosmétiques', 'Cosmetics'],
  ['زيوت صناعية', 'Huiles industrielles', 'Industrial oils'],
  ['مستحضرات صيدلانية', 'Produits pharmaceutiques', 'Pharmaceuticals'],
  ['معادن عادية', 'Métaux communs', 'Common metals'],
  ['آلات', 'Machines', 'Machines'],
  ['أدوات يدوية', 'Outils à main', 'Hand tools'],
  ['أجهزة علمية', 'Appareils scientifiques', 'Scientific apparatus'],
  ['أجهزة طبية', 'Appareils médicaux', 'Medical apparatus'],
  ['أجهزة الإنارة', "Appareils d'éclairage", 'Lighting apparatus'],
  ['المركبات', 'Véhicules', 'Vehicles'],
  ['الأسلحة النارية', 'Armes à feu', 'Firearms'],
  ['المعادن النفيسة والحلي', 'Métaux précieux et bijouterie', 'Precious metals and jewellery'],
  ['الآلات الموسيقية', 'Instruments de musique', 'Musical instruments'],
  ['الورق', 'Papier', 'Paper'],
  ['المطاط', 'Caoutchouc', 'Rubber'],
  ['الجلد', 'Cuir', 'Leather goods'],
  ['مواد البناء غير المعدنية', 'Matériaux de construction non métalliques', 'Non-metallic building materials'],
  ['الأثاث', 'Meubles', 'Furniture'],
  ['الأواني المنزلية', 'Ustensiles ménagers', 'Household utensils'],
  ['الحبال', 'Cordes', 'Ropes'],
  ['الخيوط', 'Fils', 'Yarns and threads'],
  ['المنسوجات', 'Tissus', 'Textiles'],
  ['الملابس', 'Vêtements', 'Clothing'],
  ['الخرازة', 'Mercerie', 'Haberdashery'],
  ['الزرابي', 'Tapis', 'Carpets'],
  ['اللعب', 'Jeux et jouets', 'Games and toys'],
  ['الأغذية الحيوانية', "Aliments d'origine animale", 'Animal foodstuffs'],
  ['الأغذية النباتية', "Aliments d'origine végétale", 'Plant foodstuffs'],
  ['المنتجات الزراعية', 'Produits agricoles', 'Agricultural products'],
  ['المشروبات', 'Boissons', 'Beverages'],
  ['المشروبات الكحولية', 'Boissons alcoolisées', 'Alcoholic beverages'],
  ['التبغ', 'Tabac', 'Tobacco'],
  ['الإشهار والتجارة', 'Publicité et commerce', 'Advertising and business'],
  ['الخدمات المالية', 'Services financiers', 'Financial services'],
  ['البناء', 'Construction', 'Construction'],
  ['الاتصالات', 'Télécommunications', 'Telecommunications'],
  ['النقل', 'Transport', 'Transport'],
  ['معالجة المواد', 'Traitement de matériaux', 'Treatment of materials'],
  ['التعليم والثقافة', 'Éducation et culture', 'Education and culture'],
  ['الخدمات العلمية', 'Services scientifiques', 'Scientific services'],
  ['الإطعام والإيواء', 'Restauration et hébergement', 'Food and lodging'],
  ['الخدمات الطبية', 'Services médicaux', 'Medical services'],
  ['الخدمات القانونية', 'Services juridiques', 'Legal services'],
];

export const niceClasses = NICE_NAMES.map(([ar, fr, en], i) => entry(String(i + 1), ar, fr, en));

export const tkLabels = [
  entry('attribution', 'الإسناد', 'Attribution', 'Attribution'),
  entry('non_commercial', 'غير تجاري', 'Non commercial', 'Non-commercial'),
  entry('community_use_only', 'للاستعمال الجماعي فقط', 'Usage communautaire seulement', 'Community use only'),
  entry('seasonal', 'موسمي', 'Saisonnier', 'Seasonal'),
  entry('culturally_sensitive', 'حساس ثقافيا', 'Culturellement sensible', 'Culturally sensitive'),
  entry('secret_sacred', 'سري مقدس', 'Secret ou sacré', 'Secret/sacred'),
  entry('open_to_commercialization', 'مفتوح للتسويق', 'Ouvert à la commercialisation', 'Open to commercialization'),
  entry('outreach', 'للتوعية', 'Sensibilisation', 'Outreach'),
  entry('verified', 'موثق', 'Vérifié', 'Verified'),
  entry('multiple_communities', 'مجتمعات متعددة', 'Communautés multiples', 'Multiple communities'),
  entry('women_general', 'خاص بالنساء', 'Femmes', 'Women general'),
  entry('men_general', 'خاص بالرجال', 'Hommes', 'Men general'),
] as const;

type Codes<T extends readonly ReferenceEntry[]> = T[number]['code'];
const codes = <T extends readonly ReferenceEntry[]>(list: T) => list.map((e) => e.code) as [Codes<T>, ...Codes<T>[]];

export const CRAFTS = codes(crafts);
export const REGIONS = codes(regions);
export const PROTECTION_TYPES = codes(protectionTypes);
export const STATUSES = codes(statuses);
export const LOCARNO_CLASSES = codes(locarnoClasses);
export const TK_LABELS = codes(tkLabels);

export type Craft = (typeof CRAFTS)[number];
export type Region = (typeof REGIONS)[number];
export type ProtectionType = (typeof PROTECTION_TYPES)[number];
export type Status = (typeof STATUSES)[number];
export type TkLabel = (typeof TK_LABELS)[number];
