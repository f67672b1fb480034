import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { normalizeText, prefixesOf, tokenize } from '../../server/modules/search/text/normalize.js';
import { TextIndex, type IndexedEntry, type IndexFilter } from '../../server/modules/search/text/text-index.js';
import { buildSearchIndex, queryTokens, scoreTerms } from '../../server/modules/search/text/text-rank.js';

const fixturePath = path.resolve(import.meta.dirname, '../../../shared/fixtures/text-search.json');

interface Fixture {
  records: Array<{ id: string; craft: string; region: string; title: Record<string, string>; description?: Record<string, string> }>;
  queries: Array<{ q: string; expect: string[]; exclude?: string[]; why: string }>;
}

describe('text normalisation (search/text/normalize.ts)', () => {
  it('When Arabic is written with hamza, madda, ta marbuta, diacritics or tatweel, then it folds to one form', () => {
    assert.equal(normalizeText('أمازيغية'), normalizeText('امازيغيه'));
    assert.equal(normalizeText('آسفي'), 'اسفي');
    assert.equal(normalizeText('زَرْبِيَّة'), 'زربيه');
    assert.equal(normalizeText('زربـــية'), 'زربيه');
    assert.equal(normalizeText('إلى'), 'الي');
    assert.equal(normalizeText('مسؤول'), 'مسوول');
  });

  it('When Persian letters or Eastern digits are used, then they become Arabic letters and ASCII digits', () => {
    assert.equal(normalizeText('کتاب'), 'كتاب');
    assert.equal(normalizeText('فارسی'), 'فارسي');
    assert.equal(normalizeText('٢٠٢٦ ۱۲'), '2026 12');
  });

  it('When Latin text has case, accents or ligatures, then they are folded', () => {
    assert.equal(normalizeText('Béni Ouarain'), 'beni ouarain');
    assert.equal(normalizeText('Œuvre Ç'), 'oeuvre c');
    assert.equal(normalizeText('ﬁbule'), 'fibule');
    assert.equal(normalizeText('ⵣ aɣrum ḥenna'), 'ⵣ aghrum henna');
  });

  it('When an Arabic word carries the article or an attached preposition, then the token drops it', () => {
    assert.deepEqual(tokenize('الزربية'), ['زربيه']);
    assert.deepEqual(tokenize('بالصوف والألوان'), ['صوف', 'الوان']);
    assert.deepEqual(tokenize('للصناعة'), ['صناعه']);
    assert.deepEqual(tokenize('الطرز'), ['طرز']);
  });

  it('When French has elisions and stop words, then only the meaningful words remain', () => {
    assert.deepEqual(tokenize("Marqueterie de thuya d'Essaouira"), ['marqueterie', 'thuya', 'essaouira']);
    assert.deepEqual(tokenize('BENI-OUARAIN'), ['beni', 'ouarain']);
  });

  it('When prefixes are asked, then every prefix from two characters is listed', () => {
    assert.deepEqual(prefixesOf('tapis'), ['ta', 'tap', 'tapi', 'tapis']);
    assert.deepEqual(prefixesOf('a'), ['a']);
  });
});

describe('text ranking on the shared multilingual cases (fixtures/text-search.json)', () => {
  const fixture = JSON.parse(fs.readFileSync(fixturePath, 'utf8')) as Fixture;
  const indexed = fixture.records.map((r) => ({
    id: r.id,
    ...buildSearchIndex({ title: r.title, description: r.description, labels: [r.region.replace(/-/g, ' ')] }),
  }));

  const index = new TextIndex();
  for (const r of indexed) index.upsert({ id: r.id, status: 'registered', craft: 'x', region: 'x', protectionType: 'x', titles: [] }, r.searchTerms);

  for (const query of fixture.queries) {
    it(`When searching "${query.q}" (${query.why}), then the expected records are in the first 10`, () => {
      const ranked = index.search({ tokens: queryTokens(query.q), filter: {}, offset: 0, limit: 10 }).hits.map((h) => h.entry.id);
      for (const id of query.expect) assert.ok(ranked.includes(id), `${id} missing from ${ranked.join(', ')}`);
      for (const id of query.exclude ?? []) assert.ok(!ranked.includes(id), `${id} should not be in ${ranked.join(', ')}`);
    });
  }

  it('When the index answers a query, then its scores are those of scoreTerms over every record, in the same order', () => {
    for (const query of [...fixture.queries.map((q) => q.q), 'ta', 'f', 'tapis fes', 'زربيه صوف', 'zz qq']) {
      const tokens = queryTokens(query);
      const scored = indexed.map((r) => ({ id: r.id, ...scoreTerms(tokens, r.searchTerms) })).filter((r) => r.matched > 0);
      const complete = scored.filter((r) => r.matched === tokens.length);
      const expected = (complete.length ? complete : scored).map((r) => ({ id: r.id, score: Math.round(r.score * 100) / 100 }));
      expected.sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : -1));
      const got = index.search({ tokens, filter: {}, offset: 0, limit: 1000 });
      assert.deepEqual(got.hits.map((h) => ({ id: h.entry.id, score: h.score })), expected, query);
      assert.equal(got.total, expected.length);
    }
  });

  it('When a word is in the title of one record and the description of another, then the title ranks first', () => {
    const title = buildSearchIndex({ title: { fr: 'Cuir de Fès' } });
    const description = buildSearchIndex({ title: { fr: 'Sac' }, description: { fr: 'en cuir' } });
    const tokens = queryTokens('cuir');
    assert.ok(scoreTerms(tokens, title.searchTerms).score > scoreTerms(tokens, description.searchTerms).score);
  });

  it('When a record matches every word, then it outranks one matching a single word more strongly', () => {
    const both = buildSearchIndex({ title: { fr: 'Bijoux' }, description: { fr: 'argent de Tiznit' } });
    const one = buildSearchIndex({ title: { fr: 'Tiznit Tiznit argent massif' } });
    const partial = buildSearchIndex({ title: { fr: 'Tiznit' } });
    const tokens = queryTokens('tiznit argent');
    assert.ok(scoreTerms(tokens, both.searchTerms).score > scoreTerms(tokens, partial.searchTerms).score);
    assert.equal(scoreTerms(tokens, one.searchTerms).matched, 2);
  });
});

describe('the in-memory text index (search/text/text-index.ts)', () => {
  const entry = (id: string, extra: Partial<IndexedEntry> = {}): IndexedEntry => ({ id, status: 'registered', craft: 'carpet', region: 'fes-meknes', protectionType: 'collective_mark', titles: [], ...extra });
  const terms = (title: string, description = '') => buildSearchIndex({ title: { fr: title }, description: { fr: description } }).searchTerms;
  const ids = (index: TextIndex, q: string, filter: IndexFilter = {}) =>
    index.search({ tokens: queryTokens(q), filter, offset: 0, limit: 100 }).hits.map((h) => h.entry.id);

  it('When a word begins a longer word, then the longer word is found, below the exact word', () => {
    const index = new TextIndex();
    index.upsert(entry('a1'), terms('Babouches de Fès'));
    index.upsert(entry('a2'), terms('Babouche brodée'));
    index.upsert(entry('a3'), terms('Tapis'));
    assert.deepEqual(ids(index, 'babouche'), ['a2', 'a1']);
    assert.deepEqual(ids(index, 'bab'), ['a2', 'a1']);
    // One letter matches whole words only, as a prefix of everything would say nothing.
    assert.deepEqual(ids(index, 't'), []);
  });

  it('When an entry is updated or removed, then only its latest words find it, and totals follow', () => {
    const index = new TextIndex();
    index.upsert(entry('b1'), terms('Zellige de Fès'));
    index.upsert(entry('b2'), terms('Zellige de Tétouan'));
    index.upsert(entry('b1'), terms('Poterie de Safi'));
    assert.deepEqual(ids(index, 'zellige'), ['b2']);
    assert.deepEqual(ids(index, 'poterie'), ['b1']);
    index.remove('b2');
    assert.deepEqual(ids(index, 'zellige'), []);
    assert.equal(index.size, 1);
  });

  it('When many entries are replaced, then the index compacts and still answers the same', () => {
    const index = new TextIndex();
    for (let round = 0; round < 3; round++) for (let i = 0; i < 6000; i++) index.upsert(entry(`c${String(i).padStart(5, '0')}`), terms(i % 2 ? 'tapis rouge' : 'tapis bleu', `round${round}`));
    assert.equal(index.size, 6000);
    const result = index.search({ tokens: queryTokens('tapis rouge'), filter: {}, offset: 0, limit: 5 });
    assert.equal(result.total, 3000);
    assert.equal(index.search({ tokens: queryTokens('round2'), filter: {}, offset: 0, limit: 1 }).total, 6000);
    assert.equal(index.search({ tokens: queryTokens('round0'), filter: {}, offset: 0, limit: 1 }).total, 0);
  });

  it('When the filter refuses entries, then they are neither returned nor counted, and pages walk the rest newest first', () => {
    const index = new TextIndex();
    index.upsert(entry('d1', { status: 'submitted' }), terms('Tapis'));
    index.upsert(entry('d2'), terms('Tapis'));
    index.upsert(entry('d3', { craft: 'pottery' }), terms('Tapis'));
    const filter = { statuses: ['registered'] };
    assert.deepEqual(ids(index, 'tapis', filter), ['d3', 'd2']);
    const listing = index.search({ tokens: [], filter, offset: 1, limit: 1 });
    assert.deepEqual([listing.hits.map((h) => h.entry.id), listing.total, listing.more], [['d2'], 2, false]);
  });

  it('When a query names a craft, region, type, exclusions or a publication time, then each condition holds on its own and together', () => {
    const index = new TextIndex();
    index.upsert(entry('f1'), terms('Tapis'));
    index.upsert(entry('f2', { craft: 'pottery' }), terms('Tapis'));
    index.upsert(entry('f3', { region: 'oriental', protectionType: 'industrial_design' }), terms('Tapis'));
    index.upsert(entry('f4', { publishedAt: 2_000 }), terms('Tapis'));
    assert.deepEqual(ids(index, 'tapis', { craft: 'carpet' }), ['f4', 'f3', 'f1']);
    assert.deepEqual(ids(index, 'tapis', { region: 'oriental' }), ['f3']);
    assert.deepEqual(ids(index, 'tapis', { protectionType: 'collective_mark' }), ['f4', 'f2', 'f1']);
    assert.deepEqual(ids(index, 'tapis', { exclude: ['f1', 'f3', 'unknown'] }), ['f4', 'f2']);
    // A design whose publication is deferred is left out until its date.
    assert.deepEqual(ids(index, 'tapis', { publishedBy: 1_000 }), ['f3', 'f2', 'f1']);
    assert.deepEqual(ids(index, 'tapis', { publishedBy: 2_000 }), ['f4', 'f3', 'f2', 'f1']);
    assert.deepEqual(ids(index, 'tapis', { craft: 'carpet', protectionType: 'collective_mark', publishedBy: 1_000 }), ['f1']);
    // A value the index has never seen matches nothing (rather than being ignored).
    assert.deepEqual(ids(index, 'tapis', { craft: 'basketry' }), []);
    assert.deepEqual(ids(index, 'tapis', { statuses: ['lapsed'] }), []);
    assert.equal(index.search({ tokens: [], filter: { region: 'oriental' }, offset: 0, limit: 10 }).total, 1);
  });

  it('When many entries have the same score, then they come newest id first, pages after pages', () => {
    const index = new TextIndex();
    const hexIds = Array.from({ length: 300 }, (_, i) => (0x65a000000000 + ((i * 7919) % 300)).toString(16).padStart(12, '0') + (i * 104729).toString(16).padStart(12, '0'));
    for (const id of hexIds) index.upsert(entry(id), terms('Tapis'));
    const expected = [...hexIds].sort().reverse();
    const pages = [0, 100, 200].flatMap((offset) => index.search({ tokens: ['tapis'], filter: {}, offset, limit: 100 }).hits.map((h) => h.entry.id));
    assert.deepEqual(pages, expected);
  });

  it('When completions are asked, then title words starting with the letters come in their written form, most frequent first', () => {
    const index = new TextIndex();
    index.upsert(entry('e1', { titles: ['Tapis Beni Ouarain'] }), terms('Tapis Beni Ouarain'));
    index.upsert(entry('e2', { titles: ['Tapis de Taznakht'] }), terms('Tapis de Taznakht'));
    index.upsert(entry('e3', { titles: ['Tajine'], status: 'submitted' }), terms('Tajine'));
    const fold = (w: string) => tokenize(w)[0] ?? '';
    assert.deepEqual(index.completions('ta', fold, { statuses: ['registered'] }, 10), ['Tapis', 'Taznakht']);
  });
});
