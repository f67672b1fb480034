/** Request and response schemas of the lifecycle routes; each action has its own body schema. */
import { z } from 'zod';
import { MAX_PUBLICATION_DEFERRAL_MONTHS, USER_ACTIONS, type UserAction } from './lifecycle.js';

export const actionParams = z.object({ id: z.string().min(1), action: z.enum(USER_ACTIONS) });
export const applicationIdParams = z.object({ id: z.string().min(1) });

const reason = z.string().trim().min(1, 'must not be empty').max(4000);
const grounds = z.array(z.string().min(1).max(64)).max(20);
/** A day (YYYY-MM-DD) or an instant; the deadline is the end of that day in Morocco. */
const deadline = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).transform((v) => new Date(v.length === 10 ? `${v}T12:00:00Z` : v));

const note = z.object({ reason: reason.optional() }).strict();

/** What each action accepts: request_correction and refuse need a reason, decide_opposition a verdict. */
export const ACTION_BODIES: Record<UserAction, z.ZodType> = {
  submit: note,
  claim: note,
  resubmit: note,
  approve: note,
  withdraw: note,
  renew: note,
  accept_formalities: z.object({ reason: reason.optional(), deferPublicationMonths: z.number().int().min(0).max(MAX_PUBLICATION_DEFERRAL_MONTHS).optional() }).strict(),
  request_correction: z.object({ reason, grounds: grounds.optional(), deadline: deadline.optional() }).strict(),
  refuse: z.object({ reason, grounds: grounds.optional() }).strict(),
  decide_opposition: z.object({ upheld: z.boolean(), reason, grounds: grounds.optional() }).strict(),
};

/** The union of every action's fields, for the OpenAPI document. */
export const actionBodyDoc = z
  .object({
    reason: z.string().optional().describe('Required for request_correction, refuse and decide_opposition'),
    grounds: z.array(z.string()).optional().describe('Codes from GET /examination/grounds'),
    deadline: z.string().optional().describe('request_correction: a day (YYYY-MM-DD); it ends at the end of that day in Morocco'),
    upheld: z.boolean().optional().describe('decide_opposition: true refuses the filing, false registers it'),
    deferPublicationMonths: z.number().int().optional().describe('accept_formalities of a design: defer publication up to 18 months'),
  })
  .openapi('ActionBody');

export const availableActionsOut = z.object({ actions: z.array(z.enum(USER_ACTIONS)) });

const receiptFile = z.object({
  role: z.enum(['image', 'document']),
  id: z.string(),
  kind: z.string().optional(),
  fileName: z.string().optional(),
  mime: z.string(),
  bytes: z.number(),
  sha256: z.string(),
});

export const receiptOut = z
  .object({
    receipt: z.object({
      kind: z.literal('naqsh.filing-receipt.v1'),
      applicationId: z.string(),
      applicationNumber: z.string(),
      protectionType: z.string(),
      title: z.record(z.string(), z.string()),
      applicant: z.object({ id: z.string(), name: z.string() }),
      filedAt: z.string(),
      files: z.array(receiptFile),
      signature: z.object({ algorithm: z.literal('Ed25519'), keyId: z.string(), publicKey: z.string(), value: z.string().describe('base64url signature of the canonical JSON of the receipt without `signature`') }),
    }),
  })
  .openapi('FilingReceipt');

export const oppositionParams = z.object({ number: z.string().min(1).max(64) });
export const oppositionBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z.email(),
    grounds: z.string().trim().min(1).max(10_000),
  })
  .strict();
