/**
 * Request validation: every body, query and path parameter goes through a zod schema. A failure
 * is a 400 problem listing each field. Parsed values replace the raw ones, so handlers only see
 * what the schema allows (operators like {"$gt": ""} never reach a query).
 */
import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationError, type FieldProblem } from './errors.js';

export function toFieldProblems(error: z.ZodError, prefix?: string): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: issue.message,
  }));
}

/** Parses a value with a schema or throws a ValidationError naming each bad field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params' = 'body'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new ValidationError(`The request ${where} is not valid.`, toFieldProblems(result.error, where === 'body' ? undefined : where));
  }
  return result.data;
}

export const body = <S extends z.ZodType>(req: Request, schema: S): z.infer<S> => parseWith(schema, req.body, 'body');
export const query = <S extends z.ZodType>(req: Request, schema: S): z.infer<S> => parseWith(schema, req.query, 'query');
export const params = <S extends z.ZodType>(req: Request, schema: S): z.infer<S> => parseWith(schema, req.params, 'params');
