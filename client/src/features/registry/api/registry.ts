/** The public registry (API.md, Public registry): search by words and by photo, records, verification, gazette. */
import { z } from 'zod';
import { api, type Page } from '../../../lib/api-client';
import type { Multilingual } from '../../../i18n/i18n';

export interface SearchFilters {
  q?: string;
  craft?: string;
  region?: string;
  protectionType?: string;
  status?: string;
}
export const FILTER_KEYS = ['craft', 'region', 'protectionType', 'status'] as const;

export interface SearchHit {
  registrationNumber?: string;
  applicationNumber?: string;
  title: Multilingual | string;
  protectionType?: string;
  craft?: string;
  region?: string;
  status?: string;
  thumbUrl?: string;
  score?: number;
  similarity?: number;
}

export interface RecordImage {
  id: string;
  width: number;
  height: number;
  urls: { thumb: string; display: string };
}

export interface PublicRecord {
  registrationNumber?: string;
  applicationNumber?: string;
  protectionType: string;
  status: string;
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
  owner?: { fullName?: string };
  images: RecordImage[];
  filedAt?: string;
  publishedAt?: string;
  oppositionEndsAt?: string;
  registeredAt?: string;
  expiresAt?: string;
}

export const recordNumber = (hit: { registrationNumber?: string; applicationNumber?: string }) => hit.registrationNumber ?? hit.applicationNumber ?? '';

export const searchRegistry = (filters: SearchFilters & { cursor?: string; limit?: number }, signal?: AbortSignal) =>
  api.get<Page<SearchHit>>('/registry/search', { ...filters }, signal);

export const suggest = async (q: string, signal?: AbortSignal): Promise<string[]> => {
  const res = await api.get<string[] | { items: Array<string | { text?: string; value?: string }> }>('/registry/suggest', { q }, signal);
  const list = Array.isArray(res) ? res : res.items;
  return list.map((s) => (typeof s === 'string' ? s : (s.text ?? s.value ?? ''))).filter(Boolean);
};

/** A crop box as fractions of the image's width and height, as the user drew it. */
export interface Crop {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function photoSearchForm(image: Blob, fileName: string, crop: Crop | undefined, filters: SearchFilters): FormData {
  const form = new FormData();
  form.append('image', image, fileName);
  if (crop) for (const key of ['x', 'y', 'w', 'h'] as const) form.append(key, crop[key].toFixed(4));
  for (const key of FILTER_KEYS) if (filters[key]) form.append(key, filters[key]);
  return form;
}

export const searchByPhoto = (form: FormData) => api.post<{ items: SearchHit[] }>('/registry/search/image', form);

export const getRecord = async (number: string, signal?: AbortSignal): Promise<PublicRecord> => {
  const res = await api.get<{ record?: PublicRecord } & Partial<PublicRecord>>(`/registry/${encodeURIComponent(number)}`, undefined, signal);
  return res.record ?? (res as PublicRecord);
};

export const oppositionInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().toLowerCase().pipe(z.email()),
  grounds: z.string().trim().min(10).max(10_000),
});
export type OppositionInput = z.infer<typeof oppositionInputSchema>;
export const fileOpposition = (number: string, input: OppositionInput) => api.post<unknown>(`/registry/${encodeURIComponent(number)}/oppositions`, input);

export const certificateUrl = (number: string) => `/api/v1/registry/${encodeURIComponent(number)}/certificate.pdf`;

export interface Verification {
  valid: boolean;
  record?: PublicRecord;
}
export const verifyCertificate = (number: string, sig: string, signal?: AbortSignal) =>
  api.get<Verification>(`/verify/${encodeURIComponent(number)}`, { sig }, signal);

export interface GazetteEntry extends SearchHit {
  publishedAt?: string;
  registeredAt?: string;
  oppositionEndsAt?: string;
}
export const getGazette = async (from: string, to: string, signal?: AbortSignal): Promise<GazetteEntry[]> => {
  const res = await api.get<{ items?: GazetteEntry[]; published?: GazetteEntry[]; registered?: GazetteEntry[] }>('/gazette', { from, to }, signal);
  return res.items ?? [...(res.published ?? []), ...(res.registered ?? [])];
};
