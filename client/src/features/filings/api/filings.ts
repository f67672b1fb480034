/** Filings as their owner sees them (API.md, Applications), with the schema the wizard validates against. */
import { z } from 'zod';
import { api, toApiError, type Page } from '../../../lib/api-client';
import { uploadWithProgress } from '../../../lib/upload';
import type { HistoryEvent } from '../../../components/Timeline';
import type { Multilingual } from '../../../i18n/i18n';

export const PROTECTION_TYPES = ['industrial_design', 'collective_mark', 'heritage_inventory'] as const;
export type ProtectionType = (typeof PROTECTION_TYPES)[number];
export const DOCUMENT_KINDS = ['regulations_of_use', 'community_consent', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface FilingImage {
  id: string;
  width: number;
  height: number;
  urls: { thumb: string; display: string };
}
export interface Filing {
  id: string;
  protectionType: ProtectionType;
  status: string;
  version: number;
  title: Multilingual;
  description?: Multilingual;
  craft: string;
  region: string;
  community?: string;
  techniques?: string[];
  materials?: string[];
  locarnoClass?: string;
  niceClasses?: number[];
  tkLabel?: string;
  sensitive?: boolean;
  owner: { id: string; fullName: string };
  images: FilingImage[];
  documents: Array<{ id: string; kind: DocumentKind; fileName: string }>;
  applicationNumber?: string;
  filedAt?: string;
  assignedTo?: string;
  correctionDeadline?: string;
  publishedAt?: string;
  oppositionEndsAt?: string;
  registrationNumber?: string;
  registeredAt?: string;
  expiresAt?: string;
  createdAt: string;
  updatedAt: string;
  history?: HistoryEvent[];
}

const line = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) =>
  z.object({ ar: line(max).optional(), fr: line(max).optional(), en: line(max).optional() });

/** The fields of a filing (mirrors applications.schema.ts on the server). */
export const filingFieldsSchema = z.object({
  title: optionalText(300).refine((t) => Boolean(t.ar || t.fr), { message: 'ar or fr', params: { key: 'wizard.titleNeeded' } }),
  description: optionalText(10_000).optional(),
  craft: z.string().min(1),
  region: z.string().min(1),
  community: line(200).optional(),
  techniques: z.array(line(100)).max(30).optional(),
  materials: z.array(line(100)).max(30).optional(),
  locarnoClass: z.string().regex(/^\d\d-\d\d$/).optional(),
  niceClasses: z.array(z.number().int().min(1).max(45)).max(45).optional(),
  tkLabel: z.string().optional(),
  sensitive: z.boolean().optional(),
});
export const createFilingSchema = filingFieldsSchema.extend({ protectionType: z.enum(PROTECTION_TYPES) });
export type FilingFields = z.infer<typeof filingFieldsSchema>;
export type CreateFilingInput = z.infer<typeof createFilingSchema>;

export const createFiling = (input: CreateFilingInput) => api.post<{ application: Filing }>('/applications', input).then((r) => r.application);
export const patchFiling = (id: string, input: Partial<FilingFields>) => api.patch<{ application: Filing }>(`/applications/${id}`, input).then((r) => r.application);
export const getFiling = (id: string, signal?: AbortSignal) => api.get<{ application: Filing }>(`/applications/${id}`, undefined, signal).then((r) => r.application);
export const listFilings = (query: { status?: string; limit?: number; cursor?: string }, signal?: AbortSignal) =>
  api.get<Page<Filing>>('/applications', { limit: 50, ...query }, signal);
export const deleteImage = (id: string, imageId: string) => api.delete(`/applications/${id}/images/${imageId}`);
export const deleteDocument = (id: string, documentId: string) => api.delete(`/applications/${id}/documents/${documentId}`);

export const FILER_ACTIONS = ['submit', 'resubmit', 'withdraw', 'renew'] as const;
export type FilerAction = (typeof FILER_ACTIONS)[number];
export const act = (id: string, action: FilerAction, body: { reason?: string } = {}) =>
  api.post<{ application: Filing }>(`/applications/${id}/actions/${action}`, body).then((r) => r.application);

/** One photo per request, so each has its own progress bar and can be retried alone. */
export const uploadImage = (id: string, file: Blob, fileName: string, onProgress: (fraction: number) => void) =>
  uploadWithProgress<{ images: FilingImage[] }>(
    `/applications/${id}/images`,
    () => {
      const form = new FormData();
      form.append('images', file, fileName);
      return form;
    },
    onProgress,
  );

export const uploadDocument = (id: string, file: File, kind: DocumentKind, onProgress: (fraction: number) => void) =>
  uploadWithProgress<unknown>(
    `/applications/${id}/documents`,
    () => {
      const form = new FormData();
      form.append('kind', kind);
      form.append('document', file, file.name);
      return form;
    },
    onProgress,
  );

export interface Receipt {
  kind: string;
  applicationId: string;
  applicationNumber: string;
  protectionType: string;
  title: Multilingual;
  applicant: { id: string; name: string };
  filedAt: string;
  files: Array<{ role: 'image' | 'document'; id: string; kind?: string; fileName?: string; mime: string; bytes: number; sha256: string }>;
  signature: { algorithm: string; keyId: string; publicKey: string; value: string };
}
export const getReceipt = (id: string, signal?: AbortSignal) => api.get<{ receipt: Receipt }>(`/applications/${id}/receipt`, undefined, signal).then((r) => r.receipt);
/** The same receipt as a PDF: asked for by its Accept header, which a plain link cannot send. */
export async function downloadReceiptPdf(id: string, fileName: string) {
  const res = await fetch(`/api/v1/applications/${id}/receipt`, { credentials: 'same-origin', headers: { Accept: 'application/pdf' } });
  if (!res.ok) throw await toApiError(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The states in which the owner may still change the filing. */
export const EDITABLE = ['draft', 'correction_requested'];
const DAY = 86_400_000;
/** Renewal is open from 6 months before expiry to 6 months after (API.md, renew). */
export function renewalOpen(f: Filing, now = Date.now()): boolean {
  if (f.status !== 'registered' || !f.expiresAt) return false;
  const expires = new Date(f.expiresAt).getTime();
  return now >= expires - 183 * DAY && now <= expires + 183 * DAY;
}
