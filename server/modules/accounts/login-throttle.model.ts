/**
 * Failed sign-in counters, per account and per client address. They live in MongoDB so the
 * limits hold across app instances; documents expire by themselves (TTL on `expiresAt`).
 */
import mongoose, { type InferSchemaType } from 'mongoose';

const loginThrottleSchema = new mongoose.Schema(
  {
    /** 'a:<sha256 of the email>' or 'i:<client address>'. */
    _id: { type: String, required: true },
    failures: { type: Number, required: true, default: 0 },
    windowStartedAt: { type: Date, required: true },
    lockedUntil: Date,
    expiresAt: { type: Date, required: true },
  },
  { collection: 'login_throttles', versionKey: false },
);

loginThrottleSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type LoginThrottleFields = InferSchemaType<typeof loginThrottleSchema>;

export const LoginThrottle = mongoose.model('LoginThrottle', loginThrottleSchema);
