/**
 * What each notification says, in Arabic, French and English (pure). A notification stores its
 * kind and parameters; the text is written when it is read or mailed, in the reader's language,
 * so dates and grounds come out in that language too.
 */
import { groundLabels } from '../examination/grounds.js';
import { LEGAL_TIME_ZONE } from '../lifecycle/deadlines.js';

export type Locale = 'ar' | 'fr' | 'en';

export const NOTIFICATION_KINDS = [
  'submitted',
  'claimed',
  'correction_requested',
  'resubmitted',
  'formalities_accepted',
  'published',
  'refused',
  'withdrawn',
  'correction_expired',
  'opposition_filed',
  'opposition_upheld',
  'opposition_rejected',
  'registered',
  'renewed',
  'lapsed',
  'renewal_reminder',
  'assigned',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface MessageParams {
  /** The filing's number, or its title when it has none yet. */
  ref?: string;
  title?: { ar?: string; fr?: string; en?: string };
  reason?: string;
  grounds?: string[];
  deadline?: string | Date;
  number?: string;
  months?: number;
}

type Template = (p: Rendered) => { subject: string; body: string };
interface Rendered {
  ref: string;
  reason: string;
  grounds: string;
  deadline: string;
  number: string;
  months: number;
}

const LOCALE_TAGS: Record<Locale, string> = { ar: 'ar-MA', fr: 'fr-MA', en: 'en-GB' };

function formatDate(value: string | Date | undefined, locale: Locale): string {
  if (!value) return '';
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { dateStyle: 'long', timeZone: LEGAL_TIME_ZONE }).format(new Date(value));
}

const T: Record<NotificationKind, Record<Locale, Template>> = {
  submitted: {
    ar: (p) => ({ subject: `تم إيداع طلبكم ${p.ref}`, body: `تم تسجيل إيداع طلبكم تحت رقم ${p.number}. وصل الإيداع الموقع متاح في حسابكم.` }),
    fr: (p) => ({ subject: `Dépôt ${p.ref} enregistré`, body: `Votre dépôt est enregistré sous le numéro ${p.number}. Le récépissé signé est disponible dans votre espace.` }),
    en: (p) => ({ subject: `Filing ${p.ref} received`, body: `Your filing is recorded under number ${p.number}. The signed filing receipt is in your account.` }),
  },
  claimed: {
    ar: (p) => ({ subject: `بدء فحص الطلب ${p.ref}`, body: `بدأ أحد الفاحصين فحص طلبكم ${p.ref}.` }),
    fr: (p) => ({ subject: `Examen du dépôt ${p.ref} commencé`, body: `Un examinateur a commencé l'examen de votre dépôt ${p.ref}.` }),
    en: (p) => ({ subject: `Examination of ${p.ref} started`, body: `An examiner has started examining your filing ${p.ref}.` }),
  },
  correction_requested: {
    ar: (p) => ({ subject: `تصحيح مطلوب للطلب ${p.ref}`, body: `يطلب الفاحص تصحيح طلبكم ${p.ref}${p.grounds ? ` (${p.grounds})` : ''}: ${p.reason}. آخر أجل: ${p.deadline}. بعد هذا الأجل يعتبر الطلب مسحوبا.` }),
    fr: (p) => ({ subject: `Régularisation demandée pour ${p.ref}`, body: `L'examinateur demande une régularisation de votre dépôt ${p.ref}${p.grounds ? ` (${p.grounds})` : ''} : ${p.reason}. Date limite : ${p.deadline}. Passé ce délai, le dépôt est réputé retiré.` }),
    en: (p) => ({ subject: `Correction requested for ${p.ref}`, body: `The examiner asks you to correct your filing ${p.ref}${p.grounds ? ` (${p.grounds})` : ''}: ${p.reason}. Deadline: ${p.deadline}. After it, the filing is deemed withdrawn.` }),
  },
  resubmitted: {
    ar: (p) => ({ subject: `أعيد تقديم الطلب ${p.ref}`, body: `أعاد المودع تقديم الطلب ${p.ref} بعد التصحيح.` }),
    fr: (p) => ({ subject: `Dépôt ${p.ref} régularisé`, body: `Le déposant a renvoyé le dépôt ${p.ref} après régularisation.` }),
    en: (p) => ({ subject: `Filing ${p.ref} resubmitted`, body: `The applicant has resubmitted filing ${p.ref} after correction.` }),
  },
  formalities_accepted: {
    ar: (p) => ({ subject: `قبول الشكليات للطلب ${p.ref}`, body: `استوفى طلبكم ${p.ref} الشروط الشكلية وانتقل إلى الفحص الموضوعي.` }),
    fr: (p) => ({ subject: `Forme acceptée pour ${p.ref}`, body: `Votre dépôt ${p.ref} est recevable en la forme et passe à l'examen de fond.` }),
    en: (p) => ({ subject: `Formalities accepted for ${p.ref}`, body: `Your filing ${p.ref} passed the formal examination and moves to substantive examination.` }),
  },
  published: {
    ar: (p) => ({ subject: `نشر الطلب ${p.ref}`, body: `تم نشر طلبكم ${p.ref}. يمكن للغير التعرض عليه إلى غاية ${p.deadline}.` }),
    fr: (p) => ({ subject: `Dépôt ${p.ref} publié`, body: `Votre dépôt ${p.ref} est publié. Les tiers peuvent former opposition jusqu'au ${p.deadline}.` }),
    en: (p) => ({ subject: `Filing ${p.ref} published`, body: `Your filing ${p.ref} is published. Others may oppose it until ${p.deadline}.` }),
  },
  refused: {
    ar: (p) => ({ subject: `رفض الطلب ${p.ref}`, body: `تم رفض طلبكم ${p.ref}${p.grounds ? ` (${p.grounds})` : ''}: ${p.reason}` }),
    fr: (p) => ({ subject: `Dépôt ${p.ref} rejeté`, body: `Votre dépôt ${p.ref} est rejeté${p.grounds ? ` (${p.grounds})` : ''} : ${p.reason}` }),
    en: (p) => ({ subject: `Filing ${p.ref} refused`, body: `Your filing ${p.ref} is refused${p.grounds ? ` (${p.grounds})` : ''}: ${p.reason}` }),
  },
  withdrawn: {
    ar: (p) => ({ subject: `سحب الطلب ${p.ref}`, body: `تم سحب الطلب ${p.ref}.` }),
    fr: (p) => ({ subject: `Dépôt ${p.ref} retiré`, body: `Le dépôt ${p.ref} est retiré.` }),
    en: (p) => ({ subject: `Filing ${p.ref} withdrawn`, body: `Filing ${p.ref} is withdrawn.` }),
  },
  correction_expired: {
    ar: (p) => ({ subject: `انقضى أجل التصحيح للطلب ${p.ref}`, body: `لم يتم تصحيح الطلب ${p.ref} داخل الأجل، فاعتبر مسحوبا.` }),
    fr: (p) => ({ subject: `Délai de régularisation expiré pour ${p.ref}`, body: `Le dépôt ${p.ref} n'a pas été régularisé dans le délai : il est réputé retiré.` }),
    en: (p) => ({ subject: `Correction deadline passed for ${p.ref}`, body: `Filing ${p.ref} was not corrected in time and is deemed withdrawn.` }),
  },
  opposition_filed: {
    ar: (p) => ({ subject: `تعرض على الطلب ${p.ref}`, body: `تم تقديم تعرض على الطلب ${p.ref}. سيبت فيه الفاحص.` }),
    fr: (p) => ({ subject: `Opposition contre ${p.ref}`, body: `Une opposition a été formée contre le dépôt ${p.ref}. L'examinateur statuera.` }),
    en: (p) => ({ subject: `Opposition to ${p.ref}`, body: `An opposition has been filed against ${p.ref}. The examiner will decide on it.` }),
  },
  opposition_upheld: {
    ar: (p) => ({ subject: `قبول التعرض على الطلب ${p.ref}`, body: `تم قبول التعرض ورفض الطلب ${p.ref}: ${p.reason}` }),
    fr: (p) => ({ subject: `Opposition accueillie contre ${p.ref}`, body: `L'opposition est accueillie et le dépôt ${p.ref} rejeté : ${p.reason}` }),
    en: (p) => ({ subject: `Opposition upheld against ${p.ref}`, body: `The opposition is upheld and filing ${p.ref} refused: ${p.reason}` }),
  },
  opposition_rejected: {
    ar: (p) => ({ subject: `رفض التعرض وتسجيل ${p.ref}`, body: `تم رفض التعرض وتسجيل طلبكم تحت رقم ${p.number}.` }),
    fr: (p) => ({ subject: `Opposition rejetée, ${p.ref} enregistré`, body: `L'opposition est rejetée ; votre dépôt est enregistré sous le numéro ${p.number}.` }),
    en: (p) => ({ subject: `Opposition rejected, ${p.ref} registered`, body: `The opposition is rejected; your filing is registered under number ${p.number}.` }),
  },
  registered: {
    ar: (p) => ({ subject: `تسجيل ${p.ref}`, body: `تم تسجيل طلبكم تحت رقم ${p.number}. الشهادة متاحة في حسابكم.` }),
    fr: (p) => ({ subject: `${p.ref} enregistré`, body: `Votre dépôt est enregistré sous le numéro ${p.number}. Le certificat est disponible dans votre espace.` }),
    en: (p) => ({ subject: `${p.ref} registered`, body: `Your filing is registered under number ${p.number}. The certificate is in your account.` }),
  },
  renewed: {
    ar: (p) => ({ subject: `تجديد ${p.ref}`, body: `تم تجديد التسجيل ${p.ref} إلى غاية ${p.deadline}.` }),
    fr: (p) => ({ subject: `${p.ref} renouvelé`, body: `L'enregistrement ${p.ref} est renouvelé jusqu'au ${p.deadline}.` }),
    en: (p) => ({ subject: `${p.ref} renewed`, body: `Registration ${p.ref} is renewed until ${p.deadline}.` }),
  },
  lapsed: {
    ar: (p) => ({ subject: `انقضاء ${p.ref}`, body: `انقضى التسجيل ${p.ref} لعدم تجديده داخل الأجل.` }),
    fr: (p) => ({ subject: `${p.ref} déchu`, body: `L'enregistrement ${p.ref} est déchu, faute de renouvellement dans le délai.` }),
    en: (p) => ({ subject: `${p.ref} lapsed`, body: `Registration ${p.ref} has lapsed, as it was not renewed in time.` }),
  },
  renewal_reminder: {
    ar: (p) => ({ subject: `تذكير بتجديد ${p.ref}`, body: `ينتهي التسجيل ${p.ref} في ${p.deadline}. يمكنكم تجديده الآن.` }),
    fr: (p) => ({ subject: `Rappel : renouvellement de ${p.ref}`, body: `L'enregistrement ${p.ref} expire le ${p.deadline}. Vous pouvez le renouveler dès maintenant.` }),
    en: (p) => ({ subject: `Reminder: renew ${p.ref}`, body: `Registration ${p.ref} expires on ${p.deadline}. You can renew it now.` }),
  },
  assigned: {
    ar: (p) => ({ subject: `أسند إليكم الطلب ${p.ref}`, body: `أسند إليكم فحص الطلب ${p.ref}.` }),
    fr: (p) => ({ subject: `Dépôt ${p.ref} attribué`, body: `L'examen du dépôt ${p.ref} vous est attribué.` }),
    en: (p) => ({ subject: `Filing ${p.ref} assigned to you`, body: `The examination of filing ${p.ref} is assigned to you.` }),
  },
};

/** The subject and text of a notification in one language. */
export function renderMessage(kind: NotificationKind, params: MessageParams, locale: Locale): { subject: string; body: string } {
  const title = params.title?.[locale] ?? params.title?.fr ?? params.title?.ar ?? params.title?.en;
  const rendered: Rendered = {
    ref: params.ref ?? (title ? `« ${title} »` : ''),
    reason: params.reason ?? '',
    grounds: groundLabels(params.grounds ?? [], locale).join(locale === 'ar' ? '، ' : ', '),
    deadline: formatDate(params.deadline, locale),
    number: params.number ?? params.ref ?? '',
    months: params.months ?? 0,
  };
  return T[kind][locale](rendered);
}
