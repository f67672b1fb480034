/**
 * Photo-search features of every stored image (search/image/image-features.ts), kept in the
 * database so every app instance can load them into its in-memory index and pick up the images
 * other instances added (polling on `updatedAt`). A removed image is kept as a tombstone
 * (`deleted: true`, features dropped) so other instances see the removal the same way.
 */
import mongoose, { Schema, type Types } from 'mongoose';
import type { ImageFeatures } from './image/image-features.js';

const imageFeatureSchema = new Schema(
  {
    /** The image's id (the same _id as in the application's images). */
    _id: { type: Schema.Types.ObjectId, required: true },
    applicationId: { type: Schema.Types.ObjectId, required: true },
    features: { type: Schema.Types.Mixed },
    deleted: { type: Boolean, default: false },
  },
  { collection: 'image_features', versionKey: false, timestamps: true, minimize: false },
);

imageFeatureSchema.index({ updatedAt: 1 });
imageFeatureSchema.index({ applicationId: 1 });

export interface ImageFeatureDoc {
  _id: Types.ObjectId;
  applicationId: Types.ObjectId;
  features?: ImageFeatures;
  deleted?: boolean;
  updatedAt: Date;
}

export const ImageFeature = mongoose.model('ImageFeature', imageFeatureSchema);
