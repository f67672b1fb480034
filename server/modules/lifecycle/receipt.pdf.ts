/**
 * The filing receipt as a PDF: the same facts and signature as the JSON, for printing. Text is in
 * French and English with the built-in Helvetica (no Arabic shaping needed here: the number, the
 * dates and the hashes are what prove the filing; the Arabic title stays in the JSON).
 */
import PDFDocument from 'pdfkit';
import { LEGAL_TIME_ZONE } from './deadlines.js';
import type { ReceiptPayload } from './receipt.service.js';

const TYPE_NAMES: Record<string, string> = {
  industrial_design: 'Dessin ou modèle industriel / Industrial design',
  collective_mark: 'Marque collective / Collective mark',
  heritage_inventory: 'Inventaire du patrimoine immatériel / Intangible heritage inventory',
};

export function renderReceiptPdf(receipt: ReceiptPayload & { signature: { algorithm: string; keyId: string; value: string } }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Récépissé de dépôt ${receipt.applicationNumber}`, Author: 'Naqsh' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    const local = new Intl.DateTimeFormat('fr-MA', { dateStyle: 'full', timeStyle: 'long', timeZone: LEGAL_TIME_ZONE }).format(new Date(receipt.filedAt));
    doc.font('Helvetica-Bold').fontSize(18).text('Récépissé de dépôt / Filing receipt');
    doc.moveDown(0.5).font('Helvetica').fontSize(11);
    const line = (label: string, value: string) => doc.font('Helvetica-Bold').text(`${label}: `, { continued: true }).font('Helvetica').text(value);
    line('Numéro / Number', receipt.applicationNumber);
    line('Type', TYPE_NAMES[receipt.protectionType] ?? receipt.protectionType);
    const latinTitle = receipt.title.fr ?? receipt.title.en;
    if (latinTitle) line('Titre / Title', latinTitle);
    line('Déposant / Applicant', receipt.applicant.name);
    line('Déposé le / Filed at', `${receipt.filedAt} (UTC) — ${local}`);
    doc.moveDown().font('Helvetica-Bold').text('Empreintes SHA-256 des fichiers déposés / SHA-256 of the filed files');
    doc.font('Courier').fontSize(8);
    for (const f of receipt.files) {
      doc.text(`${f.role}${f.kind ? ` (${f.kind})` : ''} ${f.id} ${f.mime} ${f.bytes} B`);
      doc.text(`  ${f.sha256}`);
    }
    doc.moveDown().font('Helvetica-Bold').fontSize(11).text(`Signature ${receipt.signature.algorithm} (clé / key ${receipt.signature.keyId})`);
    doc.font('Courier').fontSize(8).text(receipt.signature.value);
    doc.moveDown().font('Helvetica').fontSize(8).text('La signature porte sur le JSON canonique du récépissé (GET /api/v1/applications/:id/receipt). The signature covers the canonical JSON of the receipt.');
    doc.end();
  });
}
