/**
 * Wire protocol details checked with raw sockets: the OP_QUERY handshake, OP_MSG document
 * sequences and checksums, moreToCome, OP_COMPRESSED refusal and size limits.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { serialize, deserialize, type Document } from 'bson';
import { startEmbeddedStore, type EmbeddedStore } from '../../server/db/embedded/index.js';

function header(length: number, requestId: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(0, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(requestId: number, body: Document, sequences: Array<[string, Document[]]> = [], flags = 0): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
  for (const [id, docs] of sequences) {
    const payload = Buffer.concat([Buffer.from(id + '\0'), ...docs.map((d) => Buffer.from(serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const flagBuf = Buffer.alloc(4);
  flagBuf.writeUInt32LE(flags);
  const rest = Buffer.concat([flagBuf, ...parts]);
  return Buffer.concat([header(16 + rest.length, requestId, 2013), rest]);
}

function opQuery(requestId: number, collection: string, query: Document): Buffer {
  const rest = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from(collection + '\0'),
    Buffer.alloc(4),
    Buffer.from([0xff, 0xff, 0xff, 0xff]),
    Buffer.from(serialize(query)),
  ]);
  return Buffer.concat([header(16 + rest.length, requestId, 2004), rest]);
}

/** Sends raw bytes and reads one reply: its opCode, responseTo and first document. */
class RawClient {
  private buf = Buffer.alloc(0);
  private waiting: Array<(b: Buffer) => void> = [];
  closed = false;
  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.drain();
    });
    socket.on('close', () => {
      this.closed = true;
    });
  }
  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.on('error', reject);
    });
  }
  private drain() {
    while (this.buf.length >= 4 && this.buf.length >= this.buf.readInt32LE(0) && this.waiting.length) {
      const len = this.buf.readInt32LE(0);
      const msg = this.buf.subarray(0, len);
      this.buf = this.buf.subarray(len);
      this.waiting.shift()!(msg);
    }
  }
  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }
  async reply(): Promise<{ opCode: number; responseTo: number; doc: Document }> {
    const msg = await new Promise<Buffer>((resolve) => {
      this.waiting.push(resolve);
      this.drain();
    });
    const opCode = msg.readInt32LE(12);
    const docStart = opCode === 1 ? 36 : 21;
    return { opCode, responseTo: msg.readInt32LE(8), doc: deserialize(msg.subarray(docStart)) };
  }
  close(): void {
    this.socket.destroy();
  }
}

describe('embedded store: wire protocol', function () {
  this.timeout(30_000);
  let store: EmbeddedStore;
  let raw: RawClient;
  before(async () => {
    store = await startEmbeddedStore({ dir: ':memory:', thread: 'inline' });
  });
  beforeEach(async () => {
    raw = await RawClient.connect(store.port);
  });
  afterEach(() => raw.close());
  after(async () => store.close());

  it('answers the legacy OP_QUERY handshake with OP_REPLY, without offering compression', async () => {
    raw.send(
      opQuery(7, 'admin.$cmd', { isMaster: 1, compression: ['zstd', 'snappy'], client: { driver: { name: 'x', version: '1' } } }),
    );
    const r = await raw.reply();
    assert.equal(r.opCode, 1);
    assert.equal(r.responseTo, 7);
    assert.equal(r.doc.ismaster, true);
    assert.equal(r.doc.maxWireVersion, 21);
    assert.equal(r.doc.compression, undefined);
  });

  it('merges OP_MSG document sequences into the command', async () => {
    raw.send(opMsg(1, { insert: 'seq', $db: 'wire' }, [['documents', [{ _id: 1 }, { _id: 2 }, { _id: 3 }]]]));
    assert.deepEqual((await raw.reply()).doc, { n: 3, ok: 1 });
    raw.send(opMsg(2, { find: 'seq', filter: {}, $db: 'wire' }));
    const r = await raw.reply();
    assert.equal(r.opCode, 2013);
    assert.deepEqual(r.doc.cursor.firstBatch, [{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
  });

  it('runs moreToCome (w:0) messages without replying', async () => {
    raw.send(opMsg(3, { insert: 'quiet', $db: 'wire', writeConcern: { w: 0 } }, [['documents', [{ q: 1 }]]], 2));
    raw.send(opMsg(4, { count: 'quiet', $db: 'wire' }));
    const r = await raw.reply();
    assert.equal(r.responseTo, 4, 'the first reply answers the second message');
    assert.equal(r.doc.n, 1);
  });

  it('refuses OP_COMPRESSED with CommandNotSupported and keeps the connection usable', async () => {
    const body = Buffer.concat([Buffer.alloc(4), Buffer.alloc(4), Buffer.from([1]), Buffer.alloc(8)]);
    body.writeInt32LE(2013, 0);
    raw.send(Buffer.concat([header(16 + body.length, 5, 2012), body]));
    const r = await raw.reply();
    assert.equal(r.doc.ok, 0);
    assert.equal(r.doc.code, 115);
    raw.send(opMsg(6, { ping: 1, $db: 'admin' }));
    assert.equal((await raw.reply()).doc.ok, 1);
  });

  it('refuses documents over 16 MiB with BSONObjectTooLarge', async () => {
    const big = { _id: 1, s: 'x'.repeat(16 * 1024 * 1024 + 1024 * 1024) };
    raw.send(opMsg(8, { insert: 'big', $db: 'wire' }, [['documents', [big]]]));
    const r = await raw.reply();
    assert.equal(r.doc.ok, 0);
    assert.equal(r.doc.code, 10334);
  });

  it('refuses messages over 48 MB and closes the connection', async () => {
    const h = header(60_000_000, 9, 2013);
    raw.send(Buffer.concat([h, Buffer.alloc(64)]));
    const r = await raw.reply();
    assert.equal(r.doc.ok, 0);
    assert.equal(r.doc.code, 10334);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(raw.closed, true);
  });

  it('answers unknown opcodes with an error', async () => {
    raw.send(Buffer.concat([header(20, 10, 2005), Buffer.alloc(4)]));
    const r = await raw.reply();
    assert.equal(r.doc.ok, 0);
  });
});
