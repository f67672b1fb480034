/**
 * The filing receipt: the artisan's proof that the motif was theirs on that date, whatever the
 * outcome. It records the filing time, the number, the applicant and the SHA-256 of every image
 * and document as filed, signed with the office's Ed25519 key (lib/signing.ts).
 */
import type { Types } from 'mongoose';
import { getSigner, type SigningConfig } from '../../lib/signing.js';
import type { ApplicationDoc } from '../applications/application.model.js';
import { Receipt, type ReceiptDoc } from './receipt.model.js';

export interface ReceiptPayload {
  kind: 'naqsh.filing-receipt.v1';
  applicationId: string;
  applicationNumber: string;
  protectionType: string;
  title: Record<string, string>;
  applicant: { id: string; name: string };
  filedAt: string;
  files: { role: 'image' | 'document'; id: string; kind?: string; fileName?: string; mime: string; bytes: number; sha256: string }[];
}

const isDuplicateKey = (err: unknown) => (err as { code?: number } | null)?.code === 11000;

export function receiptPayload(app: ApplicationDoc): ReceiptPayload {
  const title = Object.fromEntries(Object.entries(app.title ?? {}).filter(([k, v]) => ['ar', 'fr', 'en', 'zgh'].includes(k) && typeof v === 'string' && v)) as Record<string, string>;
  return {
    kind: 'naqsh.filing-receipt.v1',
    applicationId: String(app._id),
    applicationNumber: app.applicationNumber!,
    protectionType: app.protectionType,
    title,
    applicant: { id: String(app.owner), name: app.ownerName },
    filedAt: app.filedAt!.toISOString(),
    files: [
      ...(app.images ?? []).map((i) => ({ role: 'image' as const, id: String((i as { _id: Types.ObjectId })._id), mime: i.mime, bytes: i.bytes, sha256: i.sha256 })),
      ...(app.documents ?? []).map((d) => ({
        role: 'document' as const,
        id: String((d as { _id: Types.ObjectId })._id),
        kind: d.kind,
        fileName: d.fileName,
        mime: d.mime,
        bytes: d.bytes,
        sha256: d.sha256,
      })),
    ],
  };
}

/** Issues the receipt of a filing that has just been numbered (once: a second call returns the first). */
export async function issueReceipt(app: ApplicationDoc, config: SigningConfig): Promise<ReceiptDoc> {
  const existing = await Receipt.findOne({ application: app._id }).lean<ReceiptDoc>();
  if (existing) return existing;
  const signer = getSigner(config);
  const payload = receiptPayload(app);
  try {
    const created = await Receipt.create({ application: app._id, payload, keyId: signer.keyId, publicKey: signer.publicKeyPem, signature: signer.signJson(payload) });
    return created.toObject() as unknown as ReceiptDoc;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return (await Receipt.findOne({ application: app._id }).lean<ReceiptDoc>())!;
  }
}

export async function findReceipt(applicationId: Types.ObjectId | string): Promise<ReceiptDoc | null> {
  return Receipt.findOne({ application: applicationId }).lean<ReceiptDoc>();
}

export function presentReceipt(receipt: ReceiptDoc) {
  return {
    ...(receipt.payload as ReceiptPayload),
    signature: { algorithm: receipt.algorithm, keyId: receipt.keyId, publicKey: receipt.publicKey, value: receipt.signature },
  };
}
