/**
 * Errors carried back to clients as MongoDB command errors. Codes and code names follow
 * MongoDB's own (src/mongo/base/error_codes.yml) so that drivers, mongoose and application
 * code that branch on `code` behave the same as against a real server.
 */
export const Codes = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  IndexNotFound: 27,
  NamespaceNotFound: 26,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  Unauthorized: 13,
  InvalidIndexSpecificationOption: 197,
  DuplicateKey: 11000,
  DollarPrefixedFieldName: 52,
  BSONObjectTooLarge: 10334,
  ConflictingUpdateOperators: 40,
} as const;

const codeNames: Record<number, string> = {
  1: 'InternalError',
  2: 'BadValue',
  4: 'NoSuchKey',
  9: 'FailedToParse',
  13: 'Unauthorized',
  14: 'TypeMismatch',
  20: 'IllegalOperation',
  26: 'NamespaceNotFound',
  27: 'IndexNotFound',
  40: 'ConflictingUpdateOperators',
  43: 'CursorNotFound',
  48: 'NamespaceExists',
  52: 'DollarPrefixedFieldName',
  59: 'CommandNotFound',
  66: 'ImmutableField',
  72: 'InvalidOptions',
  73: 'InvalidNamespace',
  85: 'IndexOptionsConflict',
  86: 'IndexKeySpecsConflict',
  115: 'CommandNotSupported',
  197: 'InvalidIndexSpecificationOption',
  10334: 'BSONObjectTooLarge',
  11000: 'DuplicateKey',
};

export class StoreError extends Error {
  readonly code: number;
  readonly codeName: string | undefined;
  /** Extra fields sent with the error (e.g. keyPattern/keyValue for E11000). */
  readonly extra: Record<string, unknown>;

  constructor(code: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.codeName = codeNames[code];
    this.extra = extra;
  }

  /** The error as a command reply body (`ok: 0`). */
  toReply(): Record<string, unknown> {
    const reply: Record<string, unknown> = { ok: 0, errmsg: this.message, code: this.code };
    if (this.codeName) reply.codeName = this.codeName;
    return { ...reply, ...this.extra };
  }

  /** The error as an entry of a write command's `writeErrors`. */
  toWriteError(index: number): Record<string, unknown> {
    const e: Record<string, unknown> = { index, code: this.code };
    if (this.codeName) e.codeName = this.codeName;
    return { ...e, errmsg: this.message, ...this.extra };
  }
}

export function notSupported(what: string): StoreError {
  return new StoreError(
    Codes.CommandNotSupported,
    `${what} is not supported by the embedded store; use a real MongoDB (MONGODB_URI) for this feature`,
  );
}

export function badValue(message: string): StoreError {
  return new StoreError(Codes.BadValue, message);
}

/** Converts anything thrown while running a command into a StoreError. */
export function toStoreError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && /would modify the immutable field/.test(message)) {
    return new StoreError(Codes.ImmutableField, message.replace(/\.$/, ''));
  }
  // mingo reports invalid operators and malformed expressions as plain errors: these are the
  // client's fault, so answer like MongoDB's parser (BadValue) rather than InternalError.
  if (err instanceof Error && /MingoError|unknown|operator|invalid|must|expect/i.test(err.name + ' ' + message)) {
    return new StoreError(Codes.BadValue, message);
  }
  return new StoreError(Codes.InternalError, message);
}
