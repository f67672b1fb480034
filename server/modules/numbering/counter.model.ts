/**
 * Atomic counters: one document per series (e.g. `application:industrial_design:2026`), bumped
 * with a single $inc, so concurrent requests never get the same number.
 */
import mongoose, { Schema } from 'mongoose';

const counterSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true, default: 0 },
  },
  { collection: 'counters', versionKey: false },
);

export const Counter = mongoose.model('Counter', counterSchema);
