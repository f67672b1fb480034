/**
 * A filing: one of three protection types, owned by the artisan or cooperative who created it.
 * `status`, `version`, `history` and the lifecycle dates are plain fields here; the lifecycle
 * (examination module) moves them. `version` grows by one on every change, for optimistic
 * concurrency. Images and documents are embedded: adding one is a single atomic update that is
 * written only after every file is stored, so a failed upload leaves no record behind.
 */
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { CRAFTS, LOCARNO_CLASSES, PROTECTION_TYPES, REGIONS, STATUSES, TK_LABELS } from '../reference/reference.data.js';

export const DOCUMENT_KINDS = ['regulations_of_use', 'community_consent', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** States in which the owner may still change the filing and its files. */
export const EDITABLE_STATUSES = ['draft', 'correction_requested'] as const;
/** States in which a filing is public (API.md, "Public registry"). */
export const PUBLIC_STATUSES = ['published', 'opposed', 'registered', 'lapsed'] as const;

/** Not public yet: a design registered with its publication deferred to a later date. */
export function isUnpublished(record: { publishedAt?: Date | number | null }, now = Date.now()): boolean {
  return record.publishedAt != null && new Date(record.publishedAt).getTime() > now;
}

const text = new Schema({ ar: String, fr: String, en: String, zgh: String }, { _id: false });

/** Storage keys of one image's files (content-addressed). */
const imageFiles = new Schema(
  { original: String, thumb: String, display: String, publicDisplay: String },
  { _id: false },
);

const imageSchema = new Schema(
  {
    width: { type: Number, required: true },
    height: { type: Number, required: true },
    mime: { type: String, required: true },
    sha256: { type: String, required: true },
    bytes: { type: Number, required: true },
    files: { type: imageFiles, required: true },
    uploadedAt: { type: Date, required: true },
  },
  { _id: true },
);

const documentSchema = new Schema(
  {
    kind: { type: String, enum: DOCUMENT_KINDS, required: true },
    /** The client's name, cleaned, for display and downloads only; the stored key is generated. */
    fileName: { type: String, required: true },
    mime: { type: String, required: true },
    sha256: { type: String, required: true },
    bytes: { type: Number, required: true },
    file: { type: String, required: true },
    uploadedAt: { type: Date, required: true },
  },
  { _id: true },
);

const historySchema = new Schema(
  {
    from: { type: String, enum: STATUSES },
    to: { type: String, enum: STATUSES, required: true },
    action: { type: String, required: true },
    by: { type: Schema.Types.ObjectId },
    at: { type: Date, required: true },
    reason: String,
  },
  { _id: false },
);

const applicationSchema = new Schema(
  {
    protectionType: { type: String, enum: PROTECTION_TYPES, required: true },
    status: { type: String, enum: STATUSES, required: true, default: 'draft' },
    version: { type: Number, required: true, default: 1 },
    owner: { type: Schema.Types.ObjectId, required: true },
    /** The applicant's name and role when filing (a filing records who applied, as they were). */
    ownerName: { type: String, required: true },
    ownerRole: { type: String, required: true },
    title: { type: text, required: true },
    description: { type: text },
    craft: { type: String, enum: CRAFTS, required: true },
    region: { type: String, enum: REGIONS, required: true },
    community: String,
    techniques: { type: [String], default: undefined },
    materials: { type: [String], default: undefined },
    locarnoClass: { type: String, enum: LOCARNO_CLASSES },
    niceClasses: { type: [Number], default: undefined },
    priority: { type: new Schema({ country: String, number: String, date: Date }, { _id: false }) },
    tkLabel: { type: String, enum: TK_LABELS },
    sensitive: Boolean,
    images: { type: [imageSchema], default: [] },
    documents: { type: [documentSchema], default: [] },
    /** Bytes of every original stored for this filing, for the per-user media quota. */
    mediaBytes: { type: Number, required: true, default: 0 },
    applicationNumber: String,
    filedAt: Date,
    assignedTo: { type: Schema.Types.ObjectId },
    correctionDeadline: Date,
    publishedAt: Date,
    oppositionEndsAt: Date,
    registrationNumber: String,
    registeredAt: Date,
    expiresAt: Date,
    history: { type: [historySchema], default: [] },
  },
  { timestamps: true, collection: 'applications' },
);

applicationSchema.index({ owner: 1, status: 1 });
applicationSchema.index({ status: 1, _id: -1 });
applicationSchema.index({ 'images._id': 1 });
applicationSchema.index({ 'images.files.original': 1 });
applicationSchema.index({ 'documents.file': 1 });
applicationSchema.index({ applicationNumber: 1 }, { unique: true, sparse: true });
applicationSchema.index({ registrationNumber: 1 }, { unique: true, sparse: true });

export type ApplicationFields = InferSchemaType<typeof applicationSchema>;
export type ApplicationDoc = ApplicationFields & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export type StoredImage = ApplicationDoc['images'][number] & { _id: Types.ObjectId };
export type StoredDocument = ApplicationDoc['documents'][number] & { _id: Types.ObjectId };

export const Application = mongoose.model('Application', applicationSchema);
