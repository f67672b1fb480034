/**
 * In-app notifications. The text is not stored: the kind and parameters are, and the message is
 * written in the reader's language when read (see messages.ts).
 */
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { NOTIFICATION_KINDS } from './messages.js';

const notificationSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: NOTIFICATION_KINDS, required: true },
    application: { type: Schema.Types.ObjectId },
    params: { type: Schema.Types.Mixed, default: {} },
    readAt: Date,
  },
  { collection: 'notifications', timestamps: { createdAt: true, updatedAt: false }, versionKey: false, minimize: false },
);

notificationSchema.index({ user: 1, _id: -1 });

export type NotificationDoc = InferSchemaType<typeof notificationSchema> & { _id: Types.ObjectId; createdAt: Date };
export const Notification = mongoose.model('Notification', notificationSchema);
