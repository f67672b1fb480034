/**
 * The search index: one entry per filed application (drafts excluded), rebuilt from the
 * application by search.service.ts whenever it changes. Public search reads only entries in a
 * public status; examiners' prior art also reads pending ones. Entries hold nothing personal:
 * the holder's public name only.
 *
 * Text queries run on each instance's in-memory index of these entries (text-index.cache.ts),
 * which reads the collection once and then only the rows updated since (the `updatedAt` index).
 */
import mongoose, { Schema, type Types } from 'mongoose';

const text = new Schema({ ar: String, fr: String, en: String, zgh: String }, { _id: false });

const registryEntrySchema = new Schema(
  {
    /** The application's id (the same _id). */
    _id: { type: Schema.Types.ObjectId, required: true },
    registrationNumber: String,
    applicationNumber: String,
    protectionType: { type: String, required: true },
    status: { type: String, required: true },
    title: { type: text, required: true },
    description: { type: text },
    craft: { type: String, required: true },
    region: { type: String, required: true },
    community: String,
    locarnoClass: String,
    niceClasses: { type: [Number], default: undefined },
    tkLabel: String,
    sensitive: Boolean,
    holderName: String,
    /** Public image ids (none for sensitive heritage entries); the first is the thumbnail. */
    imageIds: { type: [Schema.Types.ObjectId], default: [] },
    /** Every image id of the filing, for examiners' prior art. */
    allImageIds: { type: [Schema.Types.ObjectId], default: [] },
    filedAt: Date,
    publishedAt: Date,
    oppositionEndsAt: Date,
    registeredAt: Date,
    expiresAt: Date,
    /** "t:word", "d:word", "p:word": each word of the title, description and labels (text/text-rank.ts). */
    searchTerms: { type: [String], default: [] },
  },
  { collection: 'registry_entries', versionKey: false, timestamps: true },
);

registryEntrySchema.index({ updatedAt: 1 });
registryEntrySchema.index({ registrationNumber: 1 }, { sparse: true });
registryEntrySchema.index({ applicationNumber: 1 }, { sparse: true });
registryEntrySchema.index({ publishedAt: 1 });
registryEntrySchema.index({ registeredAt: 1 });

export interface RegistryEntryDoc {
  _id: Types.ObjectId;
  registrationNumber?: string;
  applicationNumber?: string;
  protectionType: string;
  status: string;
  title: Record<string, string | undefined>;
  description?: Record<string, string | undefined>;
  craft: string;
  region: string;
  community?: string;
  locarnoClass?: string;
  niceClasses?: number[];
  tkLabel?: string;
  sensitive?: boolean;
  holderName?: string;
  imageIds: Types.ObjectId[];
  allImageIds: Types.ObjectId[];
  filedAt?: Date;
  publishedAt?: Date;
  oppositionEndsAt?: Date;
  registeredAt?: Date;
  expiresAt?: Date;
  searchTerms: string[];
  createdAt: Date;
  updatedAt: Date;
}

export const RegistryEntry = mongoose.model('RegistryEntry', registryEntrySchema);
