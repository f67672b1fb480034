/**
 * Filings: create, list, read and change them, and attach their images and documents.
 * Who may see what: the owner sees their own, examiners and admins see all; for anyone else a
 * filing does not exist (404), so the API never reveals another user's records.
 */
import mongoose, { Types } from 'mongoose';
import type { Config } from '../../config.js';
import { BusinessRuleError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { events } from '../../lib/events.js';
import type { Logger } from '../../lib/logger.js';
import type { MediaService, UploadedFile } from '../media/media.service.js';
import { Application, EDITABLE_STATUSES, isUnpublished, PUBLIC_STATUSES, type ApplicationDoc, type StoredDocument, type StoredImage } from './application.model.js';
import type { CreateApplicationInput, ListApplicationsQuery, PatchApplicationInput } from './applications.schema.js';
import { checkCompleteness, MAX_DESIGN_VIEWS, type CompletenessInput } from './completeness.js';

export { checkCompleteness, type CompletenessInput };

export type Role = 'artisan' | 'cooperative' | 'examiner' | 'admin';
/** Who is asking (req.user, or undefined when not signed in). */
export interface Viewer {
  id: string;
  role: Role;
  fullName?: string;
}

export const isStaff = (viewer: Viewer | undefined) => viewer?.role === 'examiner' || viewer?.role === 'admin';
const isOwner = (app: Pick<ApplicationDoc, 'owner'>, viewer: Viewer | undefined) => Boolean(viewer && String(app.owner) === viewer.id);
/**
 * Whether the viewer sees a filing whatever its state: its owner, examiners and admins. Everyone
 * else sees only what is public (and gets 404 for the rest: media, certificates, verification).
 */
export const isOwnerOrStaff = (app: Pick<ApplicationDoc, 'owner'>, viewer: Viewer | undefined) => isOwner(app, viewer) || isStaff(viewer);
const { trusted } = mongoose;

/**
 * Whether a filing and its public image variants may be shown to anyone: a public state, not a
 * sensitive heritage entry, and not a design whose publication is deferred to a later date.
 */
export function isPubliclyVisible(app: Pick<ApplicationDoc, 'status' | 'sensitive' | 'publishedAt'>, now = Date.now()): boolean {
  return (PUBLIC_STATUSES as readonly string[]).includes(app.status) && app.sensitive !== true && !isUnpublished(app, now);
}

/** Throws a 422 listing every missing piece when the filing may not be submitted yet. */
export function assertComplete(app: CompletenessInput): void {
  const problems = checkCompleteness(app);
  if (problems.length > 0) throw new BusinessRuleError('The filing is not complete.', problems);
}

const imagesCap = (protectionType: string) => (protectionType === 'industrial_design' ? MAX_DESIGN_VIEWS : 20);

export type ApplicationsService = ReturnType<typeof createApplicationsService>;

export function createApplicationsService(deps: { config: Pick<Config, 'maxOpenDrafts' | 'maxMediaBytes'>; logger: Logger; media: MediaService }) {
  const { config, media } = deps;

  /** The filing if the viewer may read it; 404 otherwise (absent, not theirs, or a bad id). */
  async function readable(viewer: Viewer, id: string): Promise<ApplicationDoc> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError('No such application.');
    const app = await Application.findById(id).lean<ApplicationDoc>();
    if (!app || !isOwnerOrStaff(app, viewer)) throw new NotFoundError('No such application.');
    return app;
  }

  /** The filing if the viewer owns it and may still change it (404 / 403 / 409 otherwise). */
  async function editable(viewer: Viewer, id: string): Promise<ApplicationDoc> {
    const app = await readable(viewer, id);
    if (!isOwner(app, viewer)) throw new ForbiddenError('Only the applicant may change a filing.');
    assertEditable(app);
    return app;
  }

  function assertEditable(app: Pick<ApplicationDoc, 'status'>) {
    if (!(EDITABLE_STATUSES as readonly string[]).includes(app.status)) {
      throw new ConflictError(`The filing is ${app.status}: it can be changed only in draft or correction_requested.`);
    }
  }

  /** Updates the filing only if it is still the owner's, still editable and at the version read. */
  async function writeIfUnchanged(app: ApplicationDoc, update: Record<string, unknown>): Promise<ApplicationDoc> {
    const updated = await Application.findOneAndUpdate(
      { _id: app._id, owner: app.owner, version: app.version, status: trusted({ $in: [...EDITABLE_STATUSES] }) },
      { ...update, $inc: { version: 1, ...((update.$inc as object) ?? {}) } },
      { returnDocument: 'after' },
    ).lean<ApplicationDoc>();
    if (!updated) throw new ConflictError('The filing changed meanwhile or is no longer editable; reload it and try again.');
    return updated;
  }

  /**
   * Changes the files of an editable filing without requiring the version read: uploads of several
   * photos at once (the client sends one request per file) must all land. The condition keeps the
   * rules atomic instead: still the owner's, still editable, and — for additions — the list still
   * has room (`images.N` absent means at most N entries), or — for removals — the entry still there.
   */
  async function writeFiles(app: ApplicationDoc, condition: Record<string, unknown>, update: Record<string, unknown>): Promise<ApplicationDoc> {
    const updated = await Application.findOneAndUpdate(
      { _id: app._id, owner: app.owner, status: trusted({ $in: [...EDITABLE_STATUSES] }), ...condition },
      { ...update, $inc: { version: 1, ...((update.$inc as object) ?? {}) } },
      { returnDocument: 'after' },
    ).lean<ApplicationDoc>();
    if (!updated) throw new ConflictError('The filing changed meanwhile (no longer editable, full, or the file is gone); reload it and try again.');
    return updated;
  }

  async function usedMediaBytes(ownerId: Types.ObjectId | string): Promise<number> {
    const rows = await Application.find({ owner: ownerId }, { mediaBytes: 1 }).lean<Array<{ mediaBytes?: number }>>();
    return rows.reduce((sum, r) => sum + (r.mediaBytes ?? 0), 0);
  }

  async function assertMediaQuota(ownerId: Types.ObjectId, incoming: number) {
    const used = await usedMediaBytes(ownerId);
    if (used + incoming > config.maxMediaBytes) {
      const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
      throw new BusinessRuleError(`Your media quota is ${mb(config.maxMediaBytes)} MB; you use ${mb(used)} MB and this upload needs ${mb(incoming)} MB more.`);
    }
  }

  /** Files of removed images/documents that no record references any more. */
  async function unreferenced(keys: string[]): Promise<string[]> {
    const stillUsed = new Set<string>();
    for (const key of new Set(keys)) {
      const other = await Application.exists({
        $or: [{ 'images.files.original': key }, { 'images.files.thumb': key }, { 'images.files.display': key }, { 'images.files.publicDisplay': key }, { 'documents.file': key }],
      });
      if (other) stillUsed.add(key);
    }
    return [...new Set(keys)].filter((k) => !stillUsed.has(k));
  }

  return {
    readable,

    async create(owner: Viewer, input: CreateApplicationInput): Promise<ApplicationDoc> {
      if (input.protectionType === 'collective_mark' && owner.role !== 'cooperative') {
        throw new BusinessRuleError('Only a cooperative may file a collective mark.', [{ path: 'protectionType', message: 'Only a cooperative may file a collective mark.' }]);
      }
      const openDrafts = await Application.countDocuments({ owner: owner.id, status: 'draft' });
      if (openDrafts >= config.maxOpenDrafts) {
        throw new BusinessRuleError(`You have ${openDrafts} open drafts, the most allowed (${config.maxOpenDrafts}): submit or withdraw one first.`);
      }
      const created = await Application.create({
        ...input,
        owner: owner.id,
        ownerName: owner.fullName ?? '',
        ownerRole: owner.role,
        status: 'draft',
        version: 1,
        history: [],
      });
      // Registry hook: the search index follows every change of a filing.
      events.emit('application.changed', { applicationId: String(created._id) });
      return created.toObject() as unknown as ApplicationDoc;
    },

    async list(viewer: Viewer, q: ListApplicationsQuery) {
      const filter: Record<string, unknown> = {};
      if (!isStaff(viewer)) filter.owner = viewer.id;
      for (const key of ['status', 'protectionType', 'craft', 'region'] as const) if (q[key]) filter[key] = q[key];
      if (q.assignedTo) filter.assignedTo = q.assignedTo === 'me' ? viewer.id : q.assignedTo;
      if (q.q) {
        const re = new RegExp(q.q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
        filter.$or = ['title.ar', 'title.fr', 'title.en', 'title.zgh', 'applicationNumber', 'registrationNumber', 'community'].map((path) => ({ [path]: re }));
      }
      const page = q.cursor ? { ...filter, _id: trusted({ $lt: new Types.ObjectId(q.cursor) }) } : filter;
      const [items, total] = await Promise.all([
        Application.find(page).sort({ _id: -1 }).limit(q.limit + 1).lean<ApplicationDoc[]>(),
        Application.countDocuments(filter),
      ]);
      const more = items.length > q.limit;
      const pageItems = more ? items.slice(0, q.limit) : items;
      return { items: pageItems, total, nextCursor: more ? String(pageItems[pageItems.length - 1]!._id) : undefined };
    },

    async patch(viewer: Viewer, id: string, input: PatchApplicationInput): Promise<ApplicationDoc> {
      const app = await editable(viewer, id);
      if ((input.tkLabel !== undefined || input.sensitive !== undefined) && app.protectionType !== 'heritage_inventory') {
        throw new ValidationError('The request body is not valid.', [{ path: 'tkLabel', message: 'tkLabel and sensitive are only for heritage_inventory entries' }]);
      }
      const updated = await writeIfUnchanged(app, { $set: input });
      // Registry hook: the search index follows every change of a filing.
      events.emit('application.changed', { applicationId: String(app._id) });
      return updated;
    },

    async addImages(viewer: Viewer, id: string, files: UploadedFile[]): Promise<{ application: ApplicationDoc; images: StoredImage[] }> {
      const app = await editable(viewer, id);
      if (files.length === 0) throw new ValidationError('Send 1 to 10 images in the multipart field "images".');
      const cap = imagesCap(app.protectionType);
      if (app.images.length + files.length > cap) {
        throw new BusinessRuleError(`A filing of this type holds at most ${cap} images; it has ${app.images.length}.`);
      }
      await assertMediaQuota(app.owner, files.reduce((n, f) => n + f.size, 0));
      const batch = await media.prepareImages(files);
      let updated: ApplicationDoc;
      try {
        updated = await writeFiles(app, { [`images.${cap - files.length}`]: trusted({ $exists: false }) }, {
          $push: { images: { $each: batch.records } },
          $inc: { mediaBytes: batch.records.reduce((n, r) => n + r.bytes, 0) },
        });
      } catch (err) {
        await batch.discard();
        throw err;
      }
      media.announce(String(app._id), batch.records);
      const ids = new Set(batch.records.map((r) => String(r._id)));
      return { application: updated, images: updated.images.filter((i) => ids.has(String(i._id))) as StoredImage[] };
    },

    async removeImage(viewer: Viewer, id: string, imageId: string): Promise<void> {
      const app = await editable(viewer, id);
      const image = app.images.find((i) => String(i._id) === imageId) as StoredImage | undefined;
      if (!image) throw new NotFoundError('No such image in this filing.');
      await writeFiles(app, { 'images._id': image._id }, { $pull: { images: { _id: image._id } }, $inc: { mediaBytes: -image.bytes } });
      const files = image.files;
      await media.remove(await unreferenced([files.original!, files.thumb!, files.display!, files.publicDisplay!].filter(Boolean)));
    },

    async addDocument(viewer: Viewer, id: string, file: UploadedFile | undefined, kind: string): Promise<StoredDocument> {
      const app = await editable(viewer, id);
      if (app.documents.length >= 20) throw new BusinessRuleError('A filing holds at most 20 documents.');
      await assertMediaQuota(app.owner, file?.size ?? 0);
      const batch = await media.prepareDocument(file, kind);
      const record = batch.records[0]!;
      try {
        await writeFiles(app, { 'documents.19': trusted({ $exists: false }) }, { $push: { documents: record }, $inc: { mediaBytes: record.bytes } });
      } catch (err) {
        await batch.discard();
        throw err;
      }
      return record as unknown as StoredDocument;
    },

    async removeDocument(viewer: Viewer, id: string, documentId: string): Promise<void> {
      const app = await editable(viewer, id);
      const doc = app.documents.find((d) => String(d._id) === documentId) as StoredDocument | undefined;
      if (!doc) throw new NotFoundError('No such document in this filing.');
      await writeFiles(app, { 'documents._id': doc._id }, { $pull: { documents: { _id: doc._id } }, $inc: { mediaBytes: -doc.bytes } });
      await media.remove(await unreferenced([doc.file]));
    },

    /** A document of a filing the viewer may read (owner, examiners, admins). */
    async findDocument(viewer: Viewer, id: string, documentId: string): Promise<StoredDocument> {
      const app = await readable(viewer, id);
      const doc = app.documents.find((d) => String(d._id) === documentId) as StoredDocument | undefined;
      if (!doc) throw new NotFoundError('No such document in this filing.');
      return doc;
    },

    /**
     * Which stored file answers GET /media/:imageId/:variant for this viewer, and whether it is a
     * public answer (cacheable by anyone). 404 whenever the viewer may not see it.
     */
    async findImageFile(viewer: Viewer | undefined, imageId: string, variant: 'thumb' | 'display' | 'original') {
      if (!Types.ObjectId.isValid(imageId)) throw new NotFoundError('No such image.');
      const app = await Application.findOne({ 'images._id': new Types.ObjectId(imageId) }).lean<ApplicationDoc>();
      const image = app?.images.find((i) => String(i._id) === imageId) as StoredImage | undefined;
      if (!app || !image) throw new NotFoundError('No such image.');
      if (isOwnerOrStaff(app, viewer)) {
        return { image, key: image.files[variant]!, public: false };
      }
      if (variant === 'original' || !isPubliclyVisible(app)) throw new NotFoundError('No such image.');
      return { image, key: (variant === 'thumb' ? image.files.thumb : image.files.publicDisplay)!, public: true };
    },

    usedMediaBytes,
  };
}
