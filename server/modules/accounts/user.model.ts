/**
 * People who sign in: artisans and cooperatives (self sign-up), examiners and admins (created by
 * an admin). No national ID number is ever collected. The password hash is never selected unless
 * a query asks for it (`.select('+passwordHash')`).
 */
import mongoose, { type InferSchemaType, type HydratedDocument } from 'mongoose';
import { CRAFTS, REGIONS } from '../reference/reference.data.js';

export const ROLES = ['artisan', 'cooperative', 'examiner', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const LOCALES = ['ar', 'fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const memberSchema = new mongoose.Schema(
  {
    fullName: { type: String, required: true },
    craft: { type: String, enum: CRAFTS },
    region: { type: String, enum: REGIONS },
    phone: String,
  },
  { _id: false },
);

const cooperativeSchema = new mongoose.Schema(
  {
    /** The legal name. */
    name: { type: String, required: true },
    registrationNumber: { type: String, required: true },
    /** Members allowed to use the cooperative's collective marks. */
    members: { type: [memberSchema], default: [] },
  },
  { _id: false },
);

const userSchema = new mongoose.Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    passwordHash: { type: String, required: true, select: false },
    role: { type: String, enum: ROLES, required: true },
    fullName: { type: String, required: true },
    phone: String,
    locale: { type: String, enum: LOCALES, default: 'fr' },
    craft: { type: String, enum: CRAFTS },
    region: { type: String, enum: REGIONS },
    cooperative: { type: cooperativeSchema, required: false },
    /** The admin who created this account (examiners and admins only). */
    createdBy: { type: mongoose.Schema.Types.ObjectId, ref: 'User' },
    lastLoginAt: Date,
  },
  { timestamps: true, collection: 'users' },
);

userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ role: 1 });

export type UserFields = InferSchemaType<typeof userSchema>;
export type UserDoc = HydratedDocument<UserFields>;

export const User = mongoose.model('User', userSchema);
