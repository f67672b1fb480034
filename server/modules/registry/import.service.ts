/**
 * Bulk import of legacy records (POST /admin/import): each record of the manifest is checked,
 * its images go through the media pipeline, and it is stored as a registered or published
 * filing keeping any legacy number it brings. Records succeed or fail one by one: a bad record
 * is reported with its index and leaves nothing behind (its files are discarded). Each imported
 * record is in the search index and the photo index when the request answers.
 */
import { Types } from 'mongoose';
import type { Config } from '../../config.js';
import type { FieldProblem } from '../../lib/errors.js';
import { AppError, ValidationError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { Application } from '../applications/application.model.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { deadlineAfterDays, termEnd } from '../lifecycle/deadlines.js';
import { TERMS } from '../lifecycle/lifecycle.js';
import type { ImageRecord, MediaService, UploadedFile } from '../media/media.service.js';
import { allocateNumber } from '../numbering/numbering.service.js';
import { syncRegistryEntry } from '../search/search.service.js';
import { indexImageBytes } from './image-search.service.js';
import { importRecord, type ImportRecord } from './registry.schema.js';

export const MAX_IMPORT_RECORDS = 200;

export interface ImportResult {
  imported: number;
  failed: Array<{ index: number; error: string }>;
  records: Array<{ index: number; id: string; registrationNumber?: string; applicationNumber?: string }>;
}

/** The manifest as JSON: an array of at most 200 records (400 otherwise). */
export function parseManifest(text: string | undefined): unknown[] {
  if (!text) throw new ValidationError('Send the manifest (a JSON array of records) in the multipart part "manifest".');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError('The manifest is not valid JSON: send a JSON array of records.');
  }
  if (!Array.isArray(value)) throw new ValidationError('The manifest must be a JSON array of records.');
  if (value.length === 0) throw new ValidationError('The manifest has no records.');
  if (value.length > MAX_IMPORT_RECORDS) throw new ValidationError(`A request imports at most ${MAX_IMPORT_RECORDS} records; this manifest has ${value.length}.`);
  return value;
}

const describe = (problems: FieldProblem[] | undefined) => (problems ?? []).map((p) => `${p.path}: ${p.message}`).join('; ');

function errorText(err: unknown): string {
  if ((err as { code?: number }).code === 11000) return 'a record with this registration or application number already exists';
  if (err instanceof AppError) return [err.message, describe(err.errors)].filter(Boolean).join(' ');
  return 'the record could not be stored';
}

export function createImportService(deps: { config: Config; logger: Logger; media: MediaService }) {
  const { config, media, logger } = deps;

  async function importOne(raw: unknown, files: Map<string, UploadedFile>, admin: { id: string }, now: Date) {
    const parsed = importRecord.safeParse(raw);
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; '));
    }
    const rec: ImportRecord = parsed.data;
    const missing = rec.images.filter((name) => !files.has(name));
    if (missing.length) throw new ValidationError(`missing image file(s): ${missing.join(', ')}`);
    const uploads = rec.images.map((name) => files.get(name)!);
    const batch = uploads.length ? await media.prepareImages(uploads) : { records: [] as ImageRecord[], discard: async () => {} };
    try {
      const id = new Types.ObjectId();
      const lifecycle: Record<string, unknown> = {};
      if (rec.status === 'registered') {
        const registeredAt = rec.registeredAt ?? now;
        const years = TERMS[rec.protectionType].years;
        Object.assign(lifecycle, {
          registeredAt,
          registrationNumber: rec.registrationNumber ?? (await allocateNumber('registration', rec.protectionType, registeredAt)),
          ...(years !== null ? { expiresAt: termEnd(registeredAt, years) } : {}),
          ...(rec.publishedAt ? { publishedAt: rec.publishedAt } : {}),
        });
      } else {
        const publishedAt = rec.publishedAt ?? now;
        Object.assign(lifecycle, { publishedAt, oppositionEndsAt: deadlineAfterDays(publishedAt, config.oppositionPeriodDays) });
        if (rec.registrationNumber) lifecycle.registrationNumber = rec.registrationNumber;
      }
      const applicationNumber = rec.applicationNumber ?? (rec.status === 'published' ? await allocateNumber('application', rec.protectionType, rec.filedAt ?? now) : undefined);
      const created = await Application.create({
        _id: id,
        protectionType: rec.protectionType,
        status: rec.status,
        version: 1,
        owner: admin.id,
        ownerName: rec.holder ?? rec.community ?? 'Registre national (reprise)',
        ownerRole: 'legacy',
        title: rec.title,
        description: rec.description,
        craft: rec.craft,
        region: rec.region,
        community: rec.community,
        sensitive: rec.protectionType === 'heritage_inventory' ? rec.sensitive : undefined,
        images: batch.records,
        mediaBytes: batch.records.reduce((n, r) => n + r.bytes, 0),
        applicationNumber,
        filedAt: rec.filedAt,
        ...lifecycle,
        history: [{ to: rec.status, action: 'import', by: admin.id, at: now }],
      });
      const app = created.toObject();
      await appendAuditEvent({
        actor: { kind: 'user', id: admin.id, role: 'admin' },
        action: 'import',
        subject: { type: 'application', id: String(id) },
        to: rec.status,
        at: now,
        data: { registrationNumber: app.registrationNumber, applicationNumber: app.applicationNumber },
      });
      await syncRegistryEntry(id);
      // The photo index gets the original bytes (the feature extractor orients and resizes them).
      for (const [i, image] of batch.records.entries()) {
        try {
          await indexImageBytes(String(id), String(image._id), uploads[i]!.buffer);
        } catch (err) {
          logger.warn({ err, imageId: String(image._id) }, 'imported image could not be indexed for photo search');
        }
      }
      return { id: String(id), registrationNumber: app.registrationNumber ?? undefined, applicationNumber: app.applicationNumber ?? undefined };
    } catch (err) {
      await batch.discard();
      throw err;
    }
  }

  return {
    async importRecords(manifest: unknown[], images: UploadedFile[], admin: { id: string }): Promise<ImportResult> {
      const files = new Map(images.map((f) => [f.originalname, f]));
      const result: ImportResult = { imported: 0, failed: [], records: [] };
      const now = new Date();
      for (const [index, raw] of manifest.entries()) {
        try {
          const done = await importOne(raw, files, admin, now);
          result.imported++;
          result.records.push({ index, ...done });
        } catch (err) {
          if (!(err instanceof AppError) && (err as { code?: number }).code !== 11000) logger.error({ err, index }, 'import of a record failed');
          result.failed.push({ index, error: errorText(err) });
        }
      }
      return result;
    },
  };
}
