/**
 * Forms validate with the same zod schema the API call declares; this turns zod's issues and the
 * server's problem+json field errors into one map of messages in the reader's language.
 */
import type { z } from 'zod';
import type { MessageKey } from '../i18n/en';
import type { Vars } from '../i18n/i18n';
import { ApiError } from './api-client';

export type FieldErrors = Record<string, string>;
type T = (key: MessageKey, vars?: Vars) => string;

function issueMessage(issue: z.core.$ZodIssue, t: T): string {
  switch (issue.code) {
    case 'too_small':
      return Number(issue.minimum) <= 1 ? t('form.required') : t('form.tooShort', { min: Number(issue.minimum) });
    case 'too_big':
      return t('form.tooLong', { max: Number(issue.maximum) });
    case 'invalid_format':
      return issue.format === 'email' ? t('form.invalidEmail') : t('form.invalid');
    case 'invalid_type':
      return issue.input === undefined || issue.input === '' ? t('form.required') : t('form.invalid');
    case 'invalid_value':
      return t('form.choose');
    case 'custom':
      return issue.params?.key ? t(issue.params.key as MessageKey) : t('form.invalid');
    default:
      return t('form.invalid');
  }
}

export function zodErrors(error: z.ZodError, t: T): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    out[path] ??= issueMessage(issue, t);
  }
  return out;
}

/** Field errors the server sent (messages are the server's, usually English). */
export function serverFieldErrors(error: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (error instanceof ApiError) {
    for (const e of error.problem.errors ?? []) out[e.path.replace(/^body\./, '').replace(/\//g, '.')] ??= e.message;
  }
  return out;
}

/** Validates with the schema; on failure returns the errors, on success the parsed value. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, t: T): { ok: true; value: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: zodErrors(result.error, t) };
}
