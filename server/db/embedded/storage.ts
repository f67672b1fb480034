/**
 * Durable storage on SQLite (better-sqlite3): one database file per data directory holding the
 * catalog (collections, index specs), the documents as BSON blobs and every secondary index as
 * (index id, memcomparable key, row id) rows. WAL with synchronous=FULL means a write is on disk
 * when its transaction commits, which happens before the client gets its acknowledgement.
 *
 * A data directory belongs to one process at a time: a lock file records the owner's pid and
 * SQLite runs in EXCLUSIVE locking mode, so a second process refuses to open instead of
 * corrupting the files.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { deserialize, serialize, type Document } from 'bson';
import type { Logger } from './types.js';

export interface CollectionRow {
  id: number;
  db: string;
  name: string;
  options: Document;
}

export interface IndexRow {
  id: number;
  coll: number;
  name: string;
  spec: Document;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS collections (
  id INTEGER PRIMARY KEY, db TEXT NOT NULL, name TEXT NOT NULL, options BLOB NOT NULL,
  UNIQUE (db, name));
CREATE TABLE IF NOT EXISTS indexes (
  id INTEGER PRIMARY KEY, coll INTEGER NOT NULL, name TEXT NOT NULL, spec BLOB NOT NULL,
  UNIQUE (coll, name));
CREATE TABLE IF NOT EXISTS docs (
  rid INTEGER PRIMARY KEY, coll INTEGER NOT NULL, idkey BLOB NOT NULL, data BLOB NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS docs_by_id ON docs (coll, idkey);
CREATE INDEX IF NOT EXISTS docs_by_coll ON docs (coll, rid);
CREATE TABLE IF NOT EXISTS ix (
  idx INTEGER NOT NULL, key BLOB NOT NULL, rid INTEGER NOT NULL,
  PRIMARY KEY (idx, key, rid)) WITHOUT ROWID;
`;

export const DB_FILE = 'naqsh-store.sqlite';
export const LOCK_FILE = 'naqsh-store.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock file, or throws a clear error naming the owner. */
function acquireLock(dir: string): string {
  const lockPath = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      return lockPath;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new Error(
          `embedded store: data directory ${dir} is in use by process ${owner} (lock file ${lockPath}); ` +
            'stop that process or use another directory',
          { cause: err },
        );
      }
      // The owner died without cleaning up (e.g. SIGKILL): the lock is stale.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`embedded store: could not take the lock ${lockPath}`);
}

export class Storage {
  readonly db: Database.Database;
  private readonly lockPath: string | undefined;
  private closed = false;

  readonly stmt: {
    insertDoc: Database.Statement<[number, Buffer, Buffer]>;
    updateDoc: Database.Statement<[Buffer, Buffer, number]>;
    deleteDoc: Database.Statement<[number]>;
    docByRid: Database.Statement<[number]>;
    docById: Database.Statement<[number, Buffer]>;
    scan: Database.Statement<[number]>;
    count: Database.Statement<[number]>;
    dataSize: Database.Statement<[number]>;
    addKey: Database.Statement<[number, Buffer, number]>;
    removeKey: Database.Statement<[number, Buffer, number]>;
    keyOwner: Database.Statement<[number, Buffer, number]>;
    range: Database.Statement<[number, Buffer, Buffer]>;
    idRange: Database.Statement<[number, Buffer, Buffer]>;
    indexEntries: Database.Statement<[number]>;
    rangeCount: Database.Statement<[number, Buffer, Buffer, number]>;
    idRangeCount: Database.Statement<[number, Buffer, Buffer, number]>;
    probe: Database.Statement<[number, Buffer, number]>;
    rangeDocs: Database.Statement<[number, Buffer, Buffer]>;
    walkAsc: Database.Statement<[number]>;
    walkDesc: Database.Statement<[number]>;
    idWalkAsc: Database.Statement<[number]>;
    idWalkDesc: Database.Statement<[number]>;
  };

  constructor(
    dir: string,
    private readonly logger?: Logger,
  ) {
    let file = ':memory:';
    if (dir !== ':memory:') {
      fs.mkdirSync(dir, { recursive: true });
      this.lockPath = acquireLock(dir);
      file = path.join(dir, DB_FILE);
    }
    try {
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('foreign_keys = OFF');
      this.db.pragma('cache_size = -65536'); // 64 MiB page cache
      this.db.exec(SCHEMA);
    } catch (err) {
      if (this.lockPath) fs.rmSync(this.lockPath, { force: true });
      const e = err as Error & { code?: string };
      if (e.code === 'SQLITE_BUSY') {
        throw new Error(`embedded store: data directory ${dir} is locked by another process`, { cause: err });
      }
      throw err;
    }
    const db = this.db;
    this.stmt = {
      insertDoc: db.prepare('INSERT INTO docs (coll, idkey, data) VALUES (?, ?, ?)'),
      updateDoc: db.prepare('UPDATE docs SET idkey = ?, data = ? WHERE rid = ?'),
      deleteDoc: db.prepare('DELETE FROM docs WHERE rid = ?'),
      docByRid: db.prepare('SELECT rid, data FROM docs WHERE rid = ?'),
      docById: db.prepare('SELECT rid, data FROM docs WHERE coll = ? AND idkey = ?'),
      scan: db.prepare('SELECT rid, data FROM docs WHERE coll = ? ORDER BY rid'),
      count: db.prepare('SELECT count(*) AS n FROM docs WHERE coll = ?'),
      dataSize: db.prepare('SELECT count(*) AS n, coalesce(sum(length(data)), 0) AS size FROM docs WHERE coll = ?'),
      addKey: db.prepare('INSERT OR IGNORE INTO ix (idx, key, rid) VALUES (?, ?, ?)'),
      removeKey: db.prepare('DELETE FROM ix WHERE idx = ? AND key = ? AND rid = ?'),
      keyOwner: db.prepare('SELECT rid FROM ix WHERE idx = ? AND key = ? AND rid <> ? LIMIT 1'),
      range: db.prepare('SELECT rid FROM ix WHERE idx = ? AND key >= ? AND key < ?'),
      idRange: db.prepare('SELECT rid, data FROM docs WHERE coll = ? AND idkey >= ? AND idkey < ? ORDER BY idkey'),
      indexEntries: db.prepare('SELECT count(*) AS n FROM ix WHERE idx = ?'),
      // Counts stop at their LIMIT (-1: none), so a capped count costs what it counts.
      rangeCount: db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM ix WHERE idx = ? AND key >= ? AND key < ? LIMIT ?)'),
      idRangeCount: db.prepare(
        'SELECT count(*) AS n FROM (SELECT 1 FROM docs WHERE coll = ? AND idkey >= ? AND idkey < ? LIMIT ?)',
      ),
      probe: db.prepare('SELECT 1 AS hit FROM ix WHERE idx = ? AND key = ? AND rid = ?'),
      rangeDocs: db.prepare(
        'SELECT ix.rid, d.data FROM ix JOIN docs d ON d.rid = ix.rid WHERE ix.idx = ? AND ix.key >= ? AND ix.key < ?',
      ),
      walkAsc: db.prepare('SELECT d.rid, d.data FROM ix JOIN docs d ON d.rid = ix.rid WHERE ix.idx = ? ORDER BY ix.key ASC'),
      walkDesc: db.prepare('SELECT d.rid, d.data FROM ix JOIN docs d ON d.rid = ix.rid WHERE ix.idx = ? ORDER BY ix.key DESC'),
      idWalkAsc: db.prepare('SELECT rid, data FROM docs WHERE coll = ? ORDER BY idkey ASC'),
      idWalkDesc: db.prepare('SELECT rid, data FROM docs WHERE coll = ? ORDER BY idkey DESC'),
    };
    this.logger?.info?.({ file }, 'embedded store opened');
  }

  /** Runs `fn` in one SQLite transaction (nested calls become savepoints). */
  transaction<R>(fn: () => R): R {
    return this.db.transaction(fn)();
  }

  // ---- catalog -----------------------------------------------------------------------------

  listCollectionRows(): CollectionRow[] {
    const rows = this.db.prepare('SELECT id, db, name, options FROM collections ORDER BY id').all() as Array<{
      id: number;
      db: string;
      name: string;
      options: Buffer;
    }>;
    return rows.map((r) => ({ ...r, options: deserialize(r.options) }));
  }

  listIndexRows(): IndexRow[] {
    const rows = this.db.prepare('SELECT id, coll, name, spec FROM indexes ORDER BY id').all() as Array<{
      id: number;
      coll: number;
      name: string;
      spec: Buffer;
    }>;
    return rows.map((r) => ({ ...r, spec: deserialize(r.spec) }));
  }

  insertCollection(db: string, name: string, options: Document): number {
    const info = this.db
      .prepare('INSERT INTO collections (db, name, options) VALUES (?, ?, ?)')
      .run(db, name, Buffer.from(serialize(options)));
    return Number(info.lastInsertRowid);
  }

  renameCollection(id: number, db: string, name: string): void {
    this.db.prepare('UPDATE collections SET db = ?, name = ? WHERE id = ?').run(db, name, id);
  }

  deleteCollection(id: number, indexIds: number[]): void {
    for (const idx of indexIds) this.db.prepare('DELETE FROM ix WHERE idx = ?').run(idx);
    this.db.prepare('DELETE FROM indexes WHERE coll = ?').run(id);
    this.db.prepare('DELETE FROM docs WHERE coll = ?').run(id);
    this.db.prepare('DELETE FROM collections WHERE id = ?').run(id);
  }

  insertIndex(coll: number, name: string, spec: Document): number {
    const info = this.db
      .prepare('INSERT INTO indexes (coll, name, spec) VALUES (?, ?, ?)')
      .run(coll, name, Buffer.from(serialize(spec)));
    return Number(info.lastInsertRowid);
  }

  deleteIndex(id: number): void {
    this.db.prepare('DELETE FROM ix WHERE idx = ?').run(id);
    this.db.prepare('DELETE FROM indexes WHERE id = ?').run(id);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // best effort: the WAL is replayed on the next open anyway
    }
    this.db.close();
    if (this.lockPath) fs.rmSync(this.lockPath, { force: true });
  }
}

export function decodeDoc(data: Buffer): Document {
  return deserialize(data);
}
