import assert from 'node:assert/strict';
import { checkCompleteness, type CompletenessInput } from '../../server/modules/applications/applications.service.js';

const paths = (a: CompletenessInput) => checkCompleteness(a).map((p) => p.path).sort();
const base = { title: { fr: 'Titre' }, craft: 'carpet', region: 'souss-massa' };
const image = {};

describe('filings: completeness before submission (checkCompleteness)', () => {
  it('When a design has a Locarno class and 1 to 10 views, then nothing is missing', () => {
    assert.deepEqual(checkCompleteness({ ...base, protectionType: 'industrial_design', locarnoClass: '06-11', images: [image] }), []);
  });

  it('When a design has no views, 11 views or an unknown Locarno class, then each is named', () => {
    assert.deepEqual(paths({ ...base, protectionType: 'industrial_design', locarnoClass: '06-11', images: [] }), ['images']);
    assert.deepEqual(paths({ ...base, protectionType: 'industrial_design', locarnoClass: '06-11', images: Array(11).fill(image) }), ['images']);
    assert.deepEqual(paths({ ...base, protectionType: 'industrial_design', locarnoClass: '99-99', images: [image] }), ['locarnoClass']);
  });

  it('When a collective mark is filed by a cooperative with classes, regulations and an image, then nothing is missing', () => {
    const mark = { ...base, protectionType: 'collective_mark', ownerRole: 'cooperative', niceClasses: [27], documents: [{ kind: 'regulations_of_use' }], images: [image] };
    assert.deepEqual(checkCompleteness(mark), []);
  });

  it('When a collective mark is by an artisan, without classes or regulations, then each problem is explained', () => {
    const problems = checkCompleteness({ ...base, protectionType: 'collective_mark', ownerRole: 'artisan', niceClasses: [], documents: [{ kind: 'other' }], images: [image] });
    assert.deepEqual(problems.map((p) => p.path).sort(), ['documents', 'niceClasses', 'protectionType']);
    assert.match(problems.find((p) => p.path === 'documents')!.message, /regulations of use/);
    assert.deepEqual(paths({ ...base, protectionType: 'collective_mark', ownerRole: 'cooperative', niceClasses: [46], documents: [{ kind: 'regulations_of_use' }], images: [image] }), ['niceClasses']);
  });

  it('When a heritage entry lacks community, description, consent, TK label and the sensitivity flag, then all five are named', () => {
    assert.deepEqual(paths({ ...base, protectionType: 'heritage_inventory' }), ['community', 'description', 'documents', 'sensitive', 'tkLabel']);
    const full = { ...base, protectionType: 'heritage_inventory', community: 'Aït Ouaouzguite', description: { ar: 'وصف' }, documents: [{ kind: 'community_consent' }], tkLabel: 'seasonal', sensitive: false };
    assert.deepEqual(checkCompleteness(full), []);
  });

  it('When the title is only in English, then the title is named: Arabic or French is required', () => {
    assert.deepEqual(paths({ ...base, title: { en: 'Title' }, protectionType: 'industrial_design', locarnoClass: '06-11', images: [image] }), ['title']);
  });
});
