/**
 * The catalog: which databases, collections and indexes exist. Kept in memory, written through
 * to SQLite. Collections are created implicitly by the first write, as in MongoDB.
 */
import { serialize, type Document } from 'bson';
import type { Storage } from './storage.js';
import { Collection } from './collection.js';
import { Index, type IndexSpec, validateIndexSpec, sameOptions } from './indexes.js';
import { StoreError, Codes, notSupported } from './errors.js';

const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export function validateNamespace(db: string, name?: string): void {
  if (!db || /[/\\. "$\0]/.test(db) || db.length > 64)
    throw new StoreError(Codes.InvalidNamespace, `Invalid database name: '${db}'`);
  if (name === undefined) return;
  if (!name || name.includes('\0') || name.startsWith('.') || name.includes('$')) {
    throw new StoreError(Codes.InvalidNamespace, `Invalid collection name: '${name}'`);
  }
}

export class Catalog {
  private readonly dbs = new Map<string, Map<string, Collection>>();

  constructor(private readonly storage: Storage) {
    const byId = new Map<number, Collection>();
    for (const row of storage.listCollectionRows()) {
      const c = new Collection(storage, row.id, row.db, row.name, row.options);
      byId.set(row.id, c);
      this.colls(row.db).set(row.name, c);
    }
    for (const row of storage.listIndexRows()) {
      const { __multikey, ...spec } = row.spec;
      byId.get(row.coll)?.indexes.push(new Index(row.id, spec as IndexSpec, Boolean(__multikey)));
    }
  }

  private colls(db: string): Map<string, Collection> {
    let m = this.dbs.get(db);
    if (!m) {
      m = new Map();
      this.dbs.set(db, m);
    }
    return m;
  }

  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** The collection, created if missing (writes and createIndexes create implicitly). */
  ensure(db: string, name: string): Collection {
    return this.get(db, name) ?? this.create(db, name, {});
  }

  create(db: string, name: string, options: Document): Collection {
    validateNamespace(db, name);
    if (this.get(db, name)) throw new StoreError(Codes.NamespaceExists, `Collection ${db}.${name} already exists.`);
    for (const opt of [
      'capped',
      'viewOn',
      'pipeline',
      'timeseries',
      'clusteredIndex',
      'changeStreamPreAndPostImages',
      'encryptedFields',
    ]) {
      if (options[opt]) throw notSupported(`the create option '${opt}'`);
    }
    if (options.collation) throw notSupported('collation');
    const id = this.storage.insertCollection(db, name, options);
    const c = new Collection(this.storage, id, db, name, options);
    this.colls(db).set(name, c);
    return c;
  }

  drop(db: string, name: string): boolean {
    const c = this.get(db, name);
    if (!c) return false;
    this.storage.deleteCollection(
      c.id,
      c.indexes.map((i) => i.id),
    );
    this.dbs.get(db)!.delete(name);
    return true;
  }

  dropDatabase(db: string): void {
    for (const name of [...(this.dbs.get(db)?.keys() ?? [])]) this.drop(db, name);
    this.dbs.delete(db);
  }

  rename(from: Collection, db: string, name: string): void {
    if (db !== from.db) throw notSupported('renaming a collection across databases');
    validateNamespace(db, name);
    this.storage.renameCollection(from.id, db, name);
    this.dbs.get(from.db)!.delete(from.name);
    from.name = name;
    this.colls(db).set(name, from);
  }

  list(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  databases(): string[] {
    return [...this.dbs.entries()].filter(([, m]) => m.size > 0).map(([db]) => db);
  }

  all(): Collection[] {
    return [...this.dbs.values()].flatMap((m) => [...m.values()]);
  }

  /** Specs as listIndexes reports them, `_id_` first. */
  indexSpecs(c: Collection): IndexSpec[] {
    return [ID_INDEX, ...c.indexes.map((i) => i.spec)];
  }

  /** Creates indexes; returns how many were new. Existing identical indexes are a no-op. */
  createIndexes(c: Collection, specs: Document[]): number {
    let created = 0;
    for (const raw of specs) {
      const spec = validateIndexSpec(raw);
      const sameKey = (a: IndexSpec) => JSON.stringify(a.key) === JSON.stringify(spec.key);
      if (spec.name === '_id_' || (sameKey(ID_INDEX) && !spec.unique)) {
        if (!sameKey(ID_INDEX)) throw new StoreError(Codes.BadValue, "The index name '_id_' is reserved for the _id index");
        continue;
      }
      if (sameKey(ID_INDEX) && spec.unique)
        throw new StoreError(Codes.BadValue, "The field 'unique' is not valid for an _id index specification");
      const byName = c.indexes.find((i) => i.name === spec.name);
      if (byName) {
        if (sameKey(byName.spec) && sameOptions(byName.spec, spec)) continue;
        throw new StoreError(
          sameKey(byName.spec) ? Codes.IndexOptionsConflict : Codes.IndexKeySpecsConflict,
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName.spec)}`,
        );
      }
      const byKey = c.indexes.find((i) => sameKey(i.spec) && sameOptions(i.spec, spec));
      if (byKey) {
        throw new StoreError(Codes.IndexOptionsConflict, `Index already exists with a different name: ${byKey.name}`);
      }
      const id = this.storage.insertIndex(c.id, spec.name, spec);
      c.buildIndex(new Index(id, spec));
      created++;
    }
    return created;
  }

  dropIndex(c: Collection, nameOrKey: unknown): void {
    const ix =
      typeof nameOrKey === 'string'
        ? c.indexes.find((i) => i.name === nameOrKey)
        : c.indexes.find((i) => JSON.stringify(i.spec.key) === JSON.stringify(nameOrKey));
    if (!ix) {
      if (nameOrKey === '_id_') throw new StoreError(Codes.InvalidOptions, 'cannot drop _id index');
      throw new StoreError(
        Codes.IndexNotFound,
        `index not found with name [${typeof nameOrKey === 'string' ? nameOrKey : JSON.stringify(nameOrKey)}]`,
      );
    }
    this.storage.deleteIndex(ix.id);
    c.indexes = c.indexes.filter((i) => i !== ix);
  }

  /** Records indexes that became multikey, so a reopened store plans their ranges safely. */
  persistMultikey(c: Collection, persisted: Set<number>): void {
    for (const ix of c.indexes) {
      if (ix.multikey && !persisted.has(ix.id)) {
        this.storage.db
          .prepare('UPDATE indexes SET spec = ? WHERE id = ?')
          .run(serializeSpec({ ...ix.spec, __multikey: true }), ix.id);
        persisted.add(ix.id);
      }
    }
  }
}

function serializeSpec(spec: Document): Buffer {
  return Buffer.from(serialize(spec));
}
