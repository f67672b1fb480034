/**
 * Examiners' internal notes on a filing. Kept apart from the filing so nothing that presents a
 * filing to its applicant can leak them; only examination routes (examiners, admins) read them.
 */
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

const noteSchema = new Schema(
  {
    application: { type: Schema.Types.ObjectId, required: true },
    author: { type: Schema.Types.ObjectId, required: true },
    authorName: { type: String, required: true },
    text: { type: String, required: true },
  },
  { collection: 'examination_notes', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

noteSchema.index({ application: 1, _id: 1 });

export type NoteDoc = InferSchemaType<typeof noteSchema> & { _id: Types.ObjectId; createdAt: Date };
export const Note = mongoose.model('ExaminationNote', noteSchema);
