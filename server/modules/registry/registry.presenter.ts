/**
 * What the public registry says about a record. Only public facts leave: the holder's public
 * name, never an owner id, email, phone, national ID, assigned examiner or history; sensitive
 * heritage entries show no image.
 */
import type { ApplicationDoc } from '../applications/application.model.js';
import { mediaUrl } from '../applications/applications.presenter.js';
import type { RegistryEntryDoc } from '../search/registry-entry.model.js';
import type { EntrySummary } from '../search/search.service.js';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : undefined);

function text(t: Record<string, unknown> | null | undefined): Record<string, string> | undefined {
  if (!t) return undefined;
  const out = Object.fromEntries(Object.entries(t).filter(([k, v]) => ['ar', 'fr', 'en', 'zgh'].includes(k) && typeof v === 'string' && v)) as Record<string, string>;
  return Object.keys(out).length ? out : undefined;
}

export const thumbOf = (entry: Pick<RegistryEntryDoc, 'imageIds'>) => (entry.imageIds?.[0] ? mediaUrl(entry.imageIds[0], 'thumb') : undefined);

function summary(entry: EntrySummary) {
  return {
    registrationNumber: entry.registrationNumber ?? undefined,
    applicationNumber: entry.applicationNumber ?? undefined,
    title: text(entry.title) ?? {},
    protectionType: entry.protectionType,
    craft: entry.craft,
    region: entry.region,
    status: entry.status,
    thumbUrl: thumbOf(entry),
  };
}

export const presentHit = (entry: EntrySummary, score: number) => ({ ...summary(entry), score });

export const presentImageHit = (entry: EntrySummary, similarity: number, imageId?: string) => ({
  ...summary(entry),
  // The thumbnail of the image that matched, when the public may see it.
  thumbUrl: imageId && entry.imageIds.some((i) => String(i) === imageId) ? mediaUrl(imageId, 'thumb') : thumbOf(entry),
  similarity: Math.round(similarity * 1000) / 1000,
});

export function presentGazetteItem(entry: RegistryEntryDoc, event: 'published' | 'registered') {
  return {
    ...summary(entry),
    event,
    publishedAt: iso(entry.publishedAt),
    oppositionEndsAt: iso(entry.oppositionEndsAt),
    registeredAt: iso(entry.registeredAt),
  };
}

export function presentPublicRecord(app: ApplicationDoc) {
  const images = app.sensitive ? [] : (app.images ?? []);
  return {
    registrationNumber: app.registrationNumber ?? undefined,
    applicationNumber: app.applicationNumber ?? undefined,
    protectionType: app.protectionType,
    status: app.status,
    title: text(app.title as Record<string, unknown>) ?? {},
    description: text(app.description as Record<string, unknown> | undefined),
    craft: app.craft,
    region: app.region,
    community: app.community ?? undefined,
    techniques: app.techniques ?? undefined,
    materials: app.materials ?? undefined,
    locarnoClass: app.locarnoClass ?? undefined,
    niceClasses: app.niceClasses ?? undefined,
    tkLabel: app.tkLabel ?? undefined,
    sensitive: app.sensitive ?? undefined,
    owner: { fullName: app.ownerName },
    images: images.map((i) => ({
      id: String(i._id),
      width: i.width,
      height: i.height,
      urls: { thumb: mediaUrl(i._id, 'thumb'), display: mediaUrl(i._id, 'display') },
    })),
    filedAt: iso(app.filedAt),
    publishedAt: iso(app.publishedAt),
    oppositionEndsAt: iso(app.oppositionEndsAt),
    registeredAt: iso(app.registeredAt),
    expiresAt: iso(app.expiresAt),
  };
}
export type PublicRecord = ReturnType<typeof presentPublicRecord>;
