/**
 * Handshake and server-information commands: what drivers, mongoose and mongosh ask before
 * doing any work. The store presents itself as a standalone MongoDB 7.0 (wire version 21)
 * without compression, authentication or replication.
 */
import os from 'node:os';
import type { Document } from 'bson';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE, MAX_WRITE_BATCH_SIZE } from '../wire.js';
import type { Handler } from './context.js';

const VERSION = '7.0.0';
const startedAt = Date.now();

const hello: Handler = (cmd, ctx) => {
  const reply: Document = {
    helloOk: true,
    isWritablePrimary: true,
    topologyVersion: undefined,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  };
  delete reply.topologyVersion;
  // The legacy command answers with `ismaster`, the modern one with `isWritablePrimary`.
  if (!('hello' in cmd)) reply.ismaster = true;
  return reply;
};

export const handshakeCommands: Record<string, Handler> = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: () => ({ ok: 1 }),
  buildinfo: (cmd, ctx) => handshakeCommands.buildInfo!(cmd, ctx),
  buildInfo: () => ({
    version: VERSION,
    gitVersion: 'naqsh-embedded-store',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['naqsh-sqlite'],
    modules: [],
    ok: 1,
  }),
  endSessions: () => ({ ok: 1 }),
  killSessions: () => ({ ok: 1 }),
  killAllSessions: () => ({ ok: 1 }),
  refreshSessions: () => ({ ok: 1 }),
  startSession: () => ({ ok: 1 }),
  logout: () => ({ ok: 1 }),
  whatsmyuri: (_cmd, ctx) => ({ you: ctx.remoteAddress, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getCmdLineOpts: () => ({ argv: process.argv.slice(1), parsed: {}, ok: 1 }),
  getParameter: (cmd) => {
    const reply: Document = { ok: 1 };
    if (cmd.featureCompatibilityVersion !== undefined || cmd.getParameter === '*') {
      reply.featureCompatibilityVersion = { version: '7.0' };
    }
    return reply;
  },
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  hostInfo: () => ({
    system: {
      currentTime: new Date(),
      hostname: os.hostname(),
      cpuArch: os.arch(),
      numCores: os.cpus().length,
      memSizeMB: Math.round(os.totalmem() / 2 ** 20),
    },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    extra: {},
    ok: 1,
  }),
  serverStatus: (_cmd, ctx) => ({
    host: os.hostname(),
    version: VERSION,
    process: 'naqsh-embedded-store',
    pid: process.pid,
    uptime: Math.floor((Date.now() - startedAt) / 1000),
    localTime: new Date(),
    metrics: { cursor: { open: { total: ctx.engine.cursors.size } } },
    ok: 1,
  }),
};
