/**
 * The certificate of registration as a PDF (A4): texts in French and Arabic (shaped and laid out
 * right to left by arabic-shaping.ts), the motif, dates, holder, protection type, and a QR code
 * to the verification page with the signature. Fonts and bidi lines: lib/pdf/pdf-text.ts.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { crafts, protectionTypes, regions } from '../reference/reference.data.js';
import { pdfText } from '../../lib/pdf/pdf-text.js';

export interface CertificateData {
  registrationNumber: string;
  applicationNumber?: string;
  protectionType: string;
  title: Record<string, string>;
  holder: string;
  craft: string;
  region: string;
  community?: string;
  filedAt?: Date;
  registeredAt?: Date;
  expiresAt?: Date;
  /** The motif as PNG or JPEG (none for sensitive heritage entries). */
  motif?: Buffer;
  verifyUrl: string;
  signature: string;
  keyId: string;
}

const names = (list: ReadonlyArray<{ code: string; names: { ar: string; fr: string } }>, code: string) => list.find((e) => e.code === code)?.names ?? { ar: code, fr: code };
const day = (d?: Date) => (d ? new Date(d).toISOString().slice(0, 10) : '—');

export async function renderCertificatePdf(data: CertificateData): Promise<Buffer> {
  const qr = await QRCode.toBuffer(data.verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 300 });
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Certificat ${data.registrationNumber}`, Author: 'Naqsh' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const { latin, bold, left, width, line } = pdfText(doc, 50);

    const type = names(protectionTypes, data.protectionType);
    let y = 50;
    y = line('المملكة المغربية — السجل الوطني للصناعة التقليدية', y, { size: 12, align: 'right', rtl: true });
    y = line('Royaume du Maroc — Registre national de l’artisanat (Naqsh)', y, { size: 11, align: 'left' });
    y += 10;
    y = line("Certificat d'enregistrement", y, { size: 22, align: 'center', font: bold });
    y = line('شهادة التسجيل', y, { size: 20, align: 'center', rtl: true });
    y += 6;
    y = line(`N° ${data.registrationNumber}`, y, { size: 16, align: 'center', font: bold });
    y = line(`${type.fr} — ${type.ar}`, y, { size: 12, align: 'center' });
    y += 12;

    const titleFr = data.title.fr ?? data.title.en;
    if (titleFr) y = line(titleFr, y, { size: 15, align: 'left', font: bold });
    if (data.title.ar) y = line(data.title.ar, y, { size: 16, align: 'right', rtl: true });
    y += 8;

    const craft = names(crafts, data.craft);
    const region = names(regions, data.region);
    const facts: Array<[string, string, string, string]> = [
      ['Titulaire', data.holder, 'صاحب الحق', data.holder],
      ['Artisanat', craft.fr, 'الحرفة', craft.ar],
      ['Région', region.fr, 'الجهة', region.ar],
      ...(data.community ? ([['Communauté', data.community, 'الجماعة', data.community]] as Array<[string, string, string, string]>) : []),
      ['Demande', data.applicationNumber ?? '—', 'رقم الطلب', data.applicationNumber ?? '—'],
      ['Déposé le', day(data.filedAt), 'تاريخ الإيداع', day(data.filedAt)],
      ['Enregistré le', day(data.registeredAt), 'تاريخ التسجيل', day(data.registeredAt)],
      ['Expire le', data.expiresAt ? day(data.expiresAt) : 'sans expiration', 'تاريخ الانتهاء', data.expiresAt ? day(data.expiresAt) : 'بدون انتهاء'],
    ];
    for (const [fr, value, ar, arValue] of facts) {
      line(`${fr} : ${value}`, y, { size: 11, align: 'left' });
      y = line(`${ar}: ${arValue}`, y, { size: 11, align: 'right', rtl: true });
    }
    y += 10;

    const imgTop = y;
    if (data.motif) {
      try {
        doc.image(data.motif, left, imgTop, { fit: [260, 260] });
      } catch {
        // An unreadable motif must not block the certificate; the QR code still verifies it.
      }
    }
    doc.image(qr, left + width - 150, imgTop, { width: 150 });
    doc.font(latin).fontSize(8).text('Vérifier / تحقق', left + width - 150, imgTop + 155, { width: 150, align: 'center' });
    y = imgTop + 275;

    doc.font(latin).fontSize(7).fillColor('#444');
    doc.text(`Signature Ed25519 (clé ${data.keyId}) : ${data.signature}`, left, y, { width });
    doc.text(data.verifyUrl, left, doc.y + 2, { width, link: data.verifyUrl });
    doc.end();
  });
}
