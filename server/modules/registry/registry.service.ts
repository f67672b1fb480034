/**
 * The public registry's reads and the public opposition form: records by number, the gazette,
 * oppositions (rate-limited, with a honeypot), and examiners' prior art.
 */
import mongoose, { Types } from 'mongoose';
import type { Config } from '../../config.js';
import { NotFoundError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { Application, isUnpublished, type ApplicationDoc } from '../applications/application.model.js';
import { createLifecycleService, type LifecycleService, type OppositionInput } from '../lifecycle/lifecycle.service.js';
import { RegistryEntry, type RegistryEntryDoc } from '../search/registry-entry.model.js';
import { PENDING, PUBLIC, searchText, type EntrySummary } from '../search/search.service.js';
import { featuresOfApplication, searchByFeatures } from './image-search.service.js';
import { thumbOf } from './registry.presenter.js';
import { consume, type RateRule } from './rate-limit.js';

const { trusted } = mongoose;

/** At most this many oppositions per address per hour (spam; a real opponent files one). */
export const OPPOSITION_RATE: RateRule = { name: 'opposition', limit: 5, windowMs: 60 * 60_000 };

/** What a public record page never needs: not even read (less to decode, nothing private to leak). */
const NOT_PUBLIC = { history: 0, documents: 0, owner: 0, assignedTo: 0, priority: 0, correctionDeadline: 0, mediaBytes: 0 } as const;

/** The public application with this registration or application number; 404 otherwise. */
export async function findPublicApplication(number: string): Promise<ApplicationDoc> {
  const statuses = trusted({ $in: PUBLIC });
  const app =
    (await Application.findOne({ registrationNumber: number, status: statuses }, NOT_PUBLIC).lean<ApplicationDoc>()) ??
    (await Application.findOne({ applicationNumber: number, status: statuses }, NOT_PUBLIC).lean<ApplicationDoc>());
  // A design registered with deferred publication stays secret until its publication date.
  if (!app || isUnpublished(app)) throw new NotFoundError('No public record has this number.');
  return app;
}

export type RegistryService = ReturnType<typeof createRegistryService>;

export function createRegistryService(deps: { config: Config; logger: Logger; lifecycle?: LifecycleService }) {
  const lifecycle = deps.lifecycle ?? createLifecycleService(deps);

  return {
    /**
     * POST /registry/:number/oppositions. A filled honeypot gets the same answer as a real filing
     * but nothing is stored (bots learn nothing); every request counts against the address.
     */
    async fileOpposition(number: string, input: OppositionInput & { website?: string }, ip: string): Promise<{ accepted: boolean; oppositionEndsAt?: Date }> {
      await consume(OPPOSITION_RATE, ip);
      if (input.website) {
        deps.logger.info({ number }, 'opposition honeypot filled: ignored');
        return { accepted: false };
      }
      const { application } = await lifecycle.fileOpposition(number, { name: input.name, email: input.email, grounds: input.grounds });
      return { accepted: true, oppositionEndsAt: application.oppositionEndsAt ?? undefined };
    },

    /** What was published or registered between two dates (public records only), newest first. */
    async gazette(from: Date, to: Date): Promise<Array<{ entry: RegistryEntryDoc; event: 'published' | 'registered'; at: Date }>> {
      const range = trusted({ $gte: from, $lt: to });
      const statuses = trusted({ $in: PUBLIC });
      const [published, registered] = await Promise.all([
        RegistryEntry.find({ publishedAt: range, status: statuses }).limit(2000).lean<RegistryEntryDoc[]>(),
        RegistryEntry.find({ registeredAt: range, status: statuses }).limit(2000).lean<RegistryEntryDoc[]>(),
      ]);
      const items = [
        ...published.map((entry) => ({ entry, event: 'published' as const, at: entry.publishedAt! })),
        ...registered.map((entry) => ({ entry, event: 'registered' as const, at: entry.registeredAt! })),
      ];
      const now = Date.now();
      return items.filter((i) => !isUnpublished(i.entry, now)).sort((a, b) => b.at.getTime() - a.at.getTime());
    },

    /** Prior art: the registered and pending records most like this filing, by image and by text. */
    async similar(applicationId: string) {
      if (!Types.ObjectId.isValid(applicationId)) throw new NotFoundError('No such application.');
      const app = await Application.findById(applicationId).lean<ApplicationDoc>();
      if (!app) throw new NotFoundError('No such application.');
      const statuses = ['registered', ...PENDING];
      const self = String(app._id);
      const items = new Map<string, { entry: EntrySummary; similarity: number; matchedBy: 'image' | 'text'; matched: string[] }>();
      const keep = (entry: EntrySummary, similarity: number, matchedBy: 'image' | 'text', matched: string[]) => {
        const key = `${String(entry._id)}:${matchedBy}`;
        const prev = items.get(key);
        if (!prev || prev.similarity < similarity) items.set(key, { entry, similarity, matchedBy, matched });
      };
      for (const features of await featuresOfApplication(app._id)) {
        const hits = await searchByFeatures(features, { statuses, limit: 10, excludeApplicationIds: [self], publicImagesOnly: false });
        for (const h of hits) {
          if (h.match.similarity < 0.2) continue;
          keep(h.entry, h.match.similarity, 'image', [h.match.inliers > 3 ? `image: ${h.match.inliers} matching details` : 'image: overall look']);
        }
      }
      const q = Object.values({ ...(app.title ?? {}) }).filter((v): v is string => typeof v === 'string').join(' ').slice(0, 300);
      if (q) {
        const result = await searchText({ q, statuses, limit: 10, offset: 0, excludeIds: [app._id], includeUnpublished: true });
        const best = Math.max(1, ...result.hits.map((h) => h.score));
        for (const h of result.hits) {
          const fields = (h.match?.fields ?? []).map((f) => ({ t: 'title', d: 'description', p: 'place and craft names' })[f]);
          keep(h.entry, Math.min(1, h.score / Math.max(best, 13)), 'text', fields);
        }
      }
      return [...items.values()]
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, 20)
        .map(({ entry, similarity, matchedBy, matched }) => ({
          id: String(entry._id),
          registrationNumber: entry.registrationNumber ?? undefined,
          applicationNumber: entry.applicationNumber ?? undefined,
          title: entry.title as Record<string, string>,
          status: entry.status,
          thumbUrl: thumbOf({ imageIds: entry.allImageIds }),
          similarity: Math.round(similarity * 1000) / 1000,
          matchedBy,
          matched,
        }));
    },
  };
}
