/**
 * The audit log: one event per move or decision, numbered by `seq` (unique, so two writers can
 * never both take the same place in the chain) and chained by hashes: each event stores the hash
 * of the event before it and its own hash over its contents. Events are only ever inserted.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const auditEventSchema = new Schema(
  {
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    /** `user` (with id and role), `system` (scheduler) or `public` (e.g. an opposition form). */
    actor: {
      type: new Schema({ kind: { type: String, required: true }, id: String, role: String }, { _id: false }),
      required: true,
    },
    action: { type: String, required: true },
    /** What the event is about, e.g. { type: 'application', id }. */
    subject: { type: new Schema({ type: { type: String, required: true }, id: { type: String, required: true } }, { _id: false }), required: true },
    from: String,
    to: String,
    /** JSON-safe details (numbers assigned, reason, grounds...), stored exactly as hashed. */
    data: { type: Schema.Types.Mixed },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'audit_events', versionKey: false, minimize: false },
);

auditEventSchema.index({ seq: 1 }, { unique: true });
auditEventSchema.index({ 'subject.id': 1, seq: 1 });

export type AuditEventFields = InferSchemaType<typeof auditEventSchema>;
export const AuditEvent = mongoose.model('AuditEvent', auditEventSchema);
