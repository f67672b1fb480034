/**
 * Oppositions filed by the public against a published mark or heritage entry. The opponent's
 * email stays inside (never in a public record); the examiner decides with decide_opposition.
 */
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

const oppositionSchema = new Schema(
  {
    application: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    email: { type: String, required: true },
    grounds: { type: String, required: true },
    filedAt: { type: Date, required: true },
  },
  { collection: 'oppositions', versionKey: false },
);

oppositionSchema.index({ application: 1, filedAt: 1 });

export type OppositionDoc = InferSchemaType<typeof oppositionSchema> & { _id: Types.ObjectId };
export const Opposition = mongoose.model('Opposition', oppositionSchema);
