/**
 * Filing receipts: issued once per filing at submission, never changed. `payload` is exactly the
 * signed content (JSON-safe), so a receipt can be re-verified from the stored document alone.
 */
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

const receiptSchema = new Schema(
  {
    application: { type: Schema.Types.ObjectId, required: true },
    payload: { type: Schema.Types.Mixed, required: true },
    algorithm: { type: String, required: true, default: 'Ed25519' },
    keyId: { type: String, required: true },
    publicKey: { type: String, required: true },
    signature: { type: String, required: true },
  },
  { collection: 'filing_receipts', timestamps: { createdAt: true, updatedAt: false }, versionKey: false, minimize: false },
);

receiptSchema.index({ application: 1 }, { unique: true });

export type ReceiptDoc = InferSchemaType<typeof receiptSchema> & { _id: Types.ObjectId; createdAt: Date };
export const Receipt = mongoose.model('Receipt', receiptSchema);
