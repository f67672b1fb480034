/**
 * Renewal reminders already sent. The _id names the filing, the expiry date it is about and how
 * many months before it was due, so each reminder is sent once even with several instances: the
 * insert of the marker is the claim to send it.
 */
import mongoose, { Schema } from 'mongoose';

const reminderSchema = new Schema(
  {
    _id: { type: String, required: true },
    application: { type: Schema.Types.ObjectId, required: true },
    sentAt: { type: Date, required: true },
  },
  { collection: 'renewal_reminders', versionKey: false },
);

export const RenewalReminder = mongoose.model('RenewalReminder', reminderSchema);
