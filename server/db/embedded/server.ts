/**
 * TCP server: frames wire-protocol messages out of each connection's byte stream, runs the
 * commands they carry, and writes the replies. Commands run one at a time (the engine is
 * synchronous), so a client sees its writes in order and no two commands interleave.
 */
import net from 'node:net';
import type { Document } from 'bson';
import {
  readHeader,
  parseOpMsg,
  parseOpQuery,
  encodeOpMsg,
  encodeOpReply,
  WireError,
  OP_MSG,
  OP_QUERY,
  OP_COMPRESSED,
  MAX_MESSAGE_SIZE,
  FLAG_MORE_TO_COME,
} from './wire.js';
import { runCommand } from './commands/index.js';
import { Codes, StoreError } from './errors.js';
import type { Engine } from './engine.js';

export class WireServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private nextConnectionId = 1;
  private nextRequestId = 1;

  constructor(private readonly engine: Engine) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const connectionId = this.nextConnectionId++;
    const remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    // Chunks are only joined once a whole message has arrived: joining on every chunk would
    // copy a 48 MB message thousands of times.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let expected = 0; // length of the message being received, 0 while unknown
    socket.on('data', (chunk) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= 4) {
        if (expected === 0) {
          if (pending[0]!.length < 4) pending = [Buffer.concat(pending, pendingBytes)];
          expected = pending[0]!.readInt32LE(0);
          if (expected < 16 || expected > MAX_MESSAGE_SIZE) {
            // The stream cannot be re-synchronised after a bad length: answer once and hang up.
            const head = Buffer.concat(pending, pendingBytes);
            if (head.length >= 8) {
              const err = new StoreError(
                Codes.BSONObjectTooLarge,
                `message length ${expected} is invalid (the maximum is ${MAX_MESSAGE_SIZE} bytes)`,
              );
              socket.end(encodeOpMsg(this.nextRequestId++, head.readInt32LE(4), err.toReply()));
            } else socket.destroy();
            pending = [];
            pendingBytes = 0;
            return;
          }
        }
        if (pendingBytes < expected) break;
        const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        const message = buf.subarray(0, expected);
        const rest = buf.subarray(expected);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
        expected = 0;
        const reply = this.handle(message, connectionId, remoteAddress);
        if (reply) socket.write(reply);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private handle(message: Buffer, connectionId: number, remoteAddress: string): Buffer | undefined {
    const header = readHeader(message);
    const ctx = { engine: this.engine, connectionId, remoteAddress };
    const requestId = this.nextRequestId++;
    try {
      switch (header.opCode) {
        case OP_MSG: {
          const { flags, command } = parseOpMsg(message);
          const reply = runCommand(command, ctx);
          // moreToCome: an unacknowledged (w:0) write, the client reads no reply.
          if (flags & FLAG_MORE_TO_COME) return undefined;
          return encodeOpMsg(requestId, header.requestId, reply);
        }
        case OP_QUERY: {
          const { collection, query } = parseOpQuery(message);
          if (!collection.endsWith('.$cmd')) {
            const err = new StoreError(5739101, 'OP_QUERY is only supported for commands; use OP_MSG (any current driver does)');
            return encodeOpReply(requestId, header.requestId, { $err: err.message, ...err.toReply() });
          }
          const db = collection.slice(0, -'.$cmd'.length);
          const reply = runCommand({ ...query, $db: db }, ctx);
          return encodeOpReply(requestId, header.requestId, reply);
        }
        case OP_COMPRESSED:
          return encodeOpMsg(
            requestId,
            header.requestId,
            new StoreError(
              Codes.CommandNotSupported,
              'OP_COMPRESSED is not supported: the embedded store does not negotiate compression',
            ).toReply(),
          );
        default:
          return encodeOpMsg(
            requestId,
            header.requestId,
            new StoreError(Codes.CommandNotSupported, `unsupported wire opcode ${header.opCode}`).toReply(),
          );
      }
    } catch (err) {
      const e =
        err instanceof WireError
          ? new StoreError(/exceeds the maximum/.test(err.message) ? Codes.BSONObjectTooLarge : Codes.FailedToParse, err.message)
          : new StoreError(Codes.InternalError, (err as Error).message);
      this.engine.logger?.warn({ err, connectionId }, 'embedded store: bad message');
      const reply: Document = e.toReply();
      return header.opCode === OP_QUERY
        ? encodeOpReply(requestId, header.requestId, reply)
        : encodeOpMsg(requestId, header.requestId, reply);
    }
  }
}
