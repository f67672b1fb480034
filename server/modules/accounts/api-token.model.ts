/**
 * Bearer tokens for scripts. Only the SHA-256 of a token is stored: a database leak does not
 * leak usable tokens, and a token is shown once, when it is created.
 */
import mongoose, { type InferSchemaType } from 'mongoose';

const apiTokenSchema = new mongoose.Schema(
  {
    userId: { type: mongoose.Schema.Types.ObjectId, ref: 'User', required: true },
    name: { type: String, required: true },
    /** Hex SHA-256 of the whole token. */
    tokenHash: { type: String, required: true, select: false },
    /** The first characters of the token, so people can tell their tokens apart. */
    prefix: { type: String, required: true },
    lastUsedAt: Date,
  },
  { timestamps: true, collection: 'api_tokens' },
);

apiTokenSchema.index({ tokenHash: 1 }, { unique: true });
apiTokenSchema.index({ userId: 1, createdAt: -1 });

export type ApiTokenFields = InferSchemaType<typeof apiTokenSchema>;

export const ApiToken = mongoose.model('ApiToken', apiTokenSchema);
