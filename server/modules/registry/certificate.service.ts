/**
 * Certificates of registration: the canonical fields a certificate attests, their Ed25519
 * signature (server/lib/signing.ts; carried in the certificate's QR code), and the check that a
 * signature still matches the current record. Any change to an attested field (title, holder,
 * dates, status, the motif's bytes) makes an old certificate fail verification.
 */
import type { Config } from '../../config.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { getSigner } from '../../lib/signing.js';
import { Application, isUnpublished, PUBLIC_STATUSES, type ApplicationDoc } from '../applications/application.model.js';
import { isOwnerOrStaff, type Viewer } from '../applications/applications.service.js';

const plain = (t: Record<string, unknown> | null | undefined) =>
  Object.fromEntries(Object.entries(t ?? {}).filter(([k, v]) => ['ar', 'fr', 'en', 'zgh'].includes(k) && typeof v === 'string' && v)) as Record<string, string>;

/** What a certificate attests, as signed (canonical JSON of this object). */
export function certificateFields(app: ApplicationDoc) {
  return {
    kind: 'naqsh-certificate-v1',
    registrationNumber: app.registrationNumber,
    applicationNumber: app.applicationNumber ?? undefined,
    protectionType: app.protectionType,
    status: app.status,
    title: plain(app.title as Record<string, unknown>),
    holder: app.ownerName,
    craft: app.craft,
    region: app.region,
    community: app.community ?? undefined,
    registeredAt: app.registeredAt ?? undefined,
    expiresAt: app.expiresAt ?? undefined,
    // The motif as registered: its bytes' hashes (the images themselves are public elsewhere).
    images: app.sensitive ? [] : (app.images ?? []).map((i) => i.sha256),
  };
}

type SignConfig = Pick<Config, 'signingKey' | 'dataDir' | 'publicUrl'> & { test?: boolean };

export function signCertificate(app: ApplicationDoc, config: SignConfig): { signature: string; keyId: string; verifyUrl: string } {
  const signer = getSigner(config);
  const signature = signer.signJson(certificateFields(app));
  const verifyUrl = `${config.publicUrl.replace(/\/$/, '')}/verify/${encodeURIComponent(app.registrationNumber!)}?sig=${signature}`;
  return { signature, keyId: signer.keyId, verifyUrl };
}

/**
 * The public record with this registration number, as `viewer` may see it. A design whose
 * publication is deferred is still secret: until its publication date only its owner, examiners
 * and admins see it, and anyone else gets the very answer of an unknown number (nothing leaks).
 */
async function findOnRegister(registrationNumber: string, viewer: Viewer | undefined): Promise<ApplicationDoc> {
  const app = await Application.findOne({ registrationNumber }).lean<ApplicationDoc>();
  const visible = app && (PUBLIC_STATUSES as readonly string[]).includes(app.status) && (!isUnpublished(app) || isOwnerOrStaff(app, viewer));
  if (!visible) throw new NotFoundError('No public record has this registration number.');
  return app;
}

/** The registered record with this registration number (404 when none or not visible; 409 when not registered). */
export async function findRegistered(registrationNumber: string, viewer: Viewer | undefined): Promise<ApplicationDoc> {
  const app = await findOnRegister(registrationNumber, viewer);
  if (app.status !== 'registered') throw new ConflictError(`The record is ${app.status}: certificates exist for registered records only.`);
  return app;
}

/** Whether `signature` was made over the record as it is now. */
export async function verifyCertificate(registrationNumber: string, signature: string, config: SignConfig, viewer: Viewer | undefined): Promise<{ valid: boolean; app: ApplicationDoc }> {
  const app = await findOnRegister(registrationNumber, viewer);
  const valid = signature.length > 0 && getSigner(config).verifyJson(certificateFields(app), signature);
  return { valid, app };
}
