/**
 * The filing receipt as a PDF: the same facts and signature as the JSON, for printing, in Arabic
 * (shaped, right to left) and French with English, through lib/pdf/pdf-text.ts. Without a font
 * with Arabic glyphs on the machine, the Arabic lines are left out; every fact is also in French.
 */
import PDFDocument from 'pdfkit';
import { pdfText } from '../../lib/pdf/pdf-text.js';
import { LEGAL_TIME_ZONE } from './deadlines.js';
import type { ReceiptPayload } from './receipt.service.js';

const TYPE_NAMES: Record<string, { fr: string; ar: string }> = {
  industrial_design: { fr: 'Dessin ou modèle industriel / Industrial design', ar: 'رسم أو نموذج صناعي' },
  collective_mark: { fr: 'Marque collective / Collective mark', ar: 'علامة جماعية' },
  heritage_inventory: { fr: 'Inventaire du patrimoine immatériel / Intangible heritage inventory', ar: 'جرد التراث الثقافي غير المادي' },
};

export function renderReceiptPdf(receipt: ReceiptPayload & { signature: { algorithm: string; keyId: string; value: string } }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Récépissé de dépôt ${receipt.applicationNumber}`, Author: 'Naqsh' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const { latin, bold, left, width, line } = pdfText(doc, 50);

    const filed = new Date(receipt.filedAt);
    const local = new Intl.DateTimeFormat('fr-MA', { dateStyle: 'full', timeStyle: 'long', timeZone: LEGAL_TIME_ZONE }).format(filed);
    const localAr = new Intl.DateTimeFormat('ar-MA', { dateStyle: 'long', timeStyle: 'short', timeZone: LEGAL_TIME_ZONE, numberingSystem: 'latn' }).format(filed);
    const type = TYPE_NAMES[receipt.protectionType] ?? { fr: receipt.protectionType, ar: receipt.protectionType };

    let y = 50;
    y = line('إيصال الإيداع', y, { size: 18, align: 'right', rtl: true });
    y = line('Récépissé de dépôt / Filing receipt', y, { size: 18, align: 'left', font: bold });
    y += 8;
    // Each fact in French/English on the left, in Arabic on the right of the same line.
    const fact = (fr: string, value: string, ar?: string, arValue = value) => {
      const below = line(`${fr} : ${value}`, y, { size: 11, align: 'left' });
      y = ar ? Math.max(below, line(`${ar}: ${arValue}`, below, { size: 11, align: 'right', rtl: true })) : below;
    };
    fact('Numéro / Number', receipt.applicationNumber, 'رقم الطلب');
    fact('Type', type.fr, 'نوع الحماية', type.ar);
    const latinTitle = receipt.title.fr ?? receipt.title.en ?? receipt.title.zgh;
    if (latinTitle) fact('Titre / Title', latinTitle);
    if (receipt.title.ar) y = line(`العنوان: ${receipt.title.ar}`, y, { size: 12, align: 'right', rtl: true });
    fact('Déposant / Applicant', receipt.applicant.name, 'المودع');
    fact('Déposé le / Filed at', `${receipt.filedAt} (UTC) — ${local}`, 'تاريخ الإيداع', localAr);

    y += 10;
    y = line('Empreintes SHA-256 des fichiers déposés / SHA-256 of the filed files', y, { size: 11, align: 'left', font: bold });
    y = line('بصمات SHA-256 للملفات المودعة', y, { size: 11, align: 'right', rtl: true });
    doc.font('Courier').fontSize(8);
    doc.text('', left, y);
    for (const f of receipt.files) {
      doc.text(`${f.role}${f.kind ? ` (${f.kind})` : ''} ${f.id} ${f.mime} ${f.bytes} B`, { width });
      doc.text(`  ${f.sha256}`, { width });
    }
    y = doc.y + 12;
    y = line(`Signature ${receipt.signature.algorithm} (clé / key ${receipt.signature.keyId})`, y, { size: 11, align: 'left', font: bold });
    doc.font('Courier').fontSize(8).text(receipt.signature.value, left, y, { width });
    y = doc.y + 10;
    doc.font(latin).fontSize(8).text('La signature porte sur le JSON canonique du récépissé (GET /api/v1/applications/:id/receipt). The signature covers the canonical JSON of the receipt.', left, y, { width });
    line('التوقيع يشمل نص الإيصال بصيغة JSON القانونية.', doc.y + 4, { size: 9, align: 'right', rtl: true });
    doc.end();
  });
}
