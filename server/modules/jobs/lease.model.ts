/**
 * Leases: one document per job; whoever holds an unexpired lease runs the job, so several app
 * instances sharing the database do not all run it at once. A crashed holder's lease simply
 * expires.
 */
import mongoose, { Schema } from 'mongoose';

const leaseSchema = new Schema(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    until: { type: Date, required: true },
  },
  { collection: 'job_leases', versionKey: false },
);

export const Lease = mongoose.model('JobLease', leaseSchema);
