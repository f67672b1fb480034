/**
 * Command dispatch. Unknown commands get MongoDB's CommandNotFound (59); features the store
 * deliberately lacks get CommandNotSupported (115) from their handlers, and transactions get the
 * same IllegalOperation (20) a standalone MongoDB answers.
 */
import type { Document } from 'bson';
import { StoreError, Codes, toStoreError } from '../errors.js';
import { handshakeCommands } from './handshake.js';
import { readCommands } from './reads.js';
import { writeCommands } from './writes.js';
import { aggregateCommands } from './aggregate.js';
import { adminCommands } from './admin.js';
import type { CommandContext, Handler } from './context.js';

const handlers = new Map<string, Handler>(
  Object.entries({ ...handshakeCommands, ...readCommands, ...writeCommands, ...aggregateCommands, ...adminCommands }),
);

const TRANSACTION_COMMANDS = new Set(['commitTransaction', 'abortTransaction']);

/** Real MongoDB commands the store does not implement: CommandNotSupported, not "no such command". */
const UNSUPPORTED_COMMANDS = new Set([
  'collMod',
  'convertToCapped',
  'cloneCollectionAsCapped',
  'compact',
  'validate',
  'reIndex',
  'mapReduce',
  'geoNear',
  'geoSearch',
  'createUser',
  'updateUser',
  'dropUser',
  'dropAllUsersFromDatabase',
  'usersInfo',
  'createRole',
  'dropRole',
  'rolesInfo',
  'grantRolesToUser',
  'revokeRolesFromUser',
  'saslStart',
  'saslContinue',
  'authenticate',
  'currentOp',
  'killOp',
  'fsync',
  'fsyncUnlock',
  'shutdown',
  'replSetGetStatus',
  'replSetInitiate',
  'replSetGetConfig',
  'shardCollection',
  'enableSharding',
  'createSearchIndexes',
  'listSearchIndexes',
  'dropSearchIndex',
  'updateSearchIndex',
  'bulkWrite',
  'setFeatureCompatibilityVersion',
  'profile',
  'dataSize',
  'filemd5',
  'getShardVersion',
]);

export function commandNames(): string[] {
  return [...handlers.keys()];
}

export function runCommand(cmd: Document, ctx: Omit<CommandContext, 'db'>): Document {
  try {
    const name = Object.keys(cmd)[0];
    if (!name) throw new StoreError(Codes.FailedToParse, 'empty command');
    const db = typeof cmd.$db === 'string' ? cmd.$db : 'admin';
    if (cmd.txnNumber !== undefined || cmd.autocommit !== undefined || cmd.startTransaction || TRANSACTION_COMMANDS.has(name)) {
      throw new StoreError(
        Codes.IllegalOperation,
        'Transaction numbers are only allowed on a replica set member or mongos (the embedded store is a standalone server without transactions)',
      );
    }
    if (name === 'listCommands') {
      const commands: Document = {};
      for (const n of handlers.keys()) commands[n] = { help: '' };
      return { commands, ok: 1 };
    }
    const handler = handlers.get(name);
    if (!handler) {
      if (UNSUPPORTED_COMMANDS.has(name)) {
        throw new StoreError(
          Codes.CommandNotSupported,
          `the '${name}' command is not supported by the embedded store; use a real MongoDB (MONGODB_URI) for it`,
        );
      }
      throw new StoreError(Codes.CommandNotFound, `no such command: '${name}'`);
    }
    return handler(cmd, { ...ctx, db });
  } catch (err) {
    return toStoreError(err).toReply();
  }
}
