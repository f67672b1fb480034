/**
 * Fixed-window request counters for public forms, kept in MongoDB so that every app instance
 * counts the same requests. Each window is its own document, removed by a TTL index after it ends.
 */
import mongoose, { Schema } from 'mongoose';

const rateCounterSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true, default: 0 },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'rate_counters', versionKey: false },
);

rateCounterSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export const RateCounter = mongoose.model('RateCounter', rateCounterSchema);
