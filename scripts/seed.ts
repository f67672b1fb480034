/**
 * `npm run seed`: fills an EMPTY database with a believable demo, through the real HTTP API (so
 * every rule, image derivative, number, audit event and search entry is made as in real use):
 * registered motifs across crafts and regions imported by the admin, an examiner, artisans and a
 * cooperative with filings in every state. The images are drawn by the project's own motif
 * generator. Uses MONGODB_URI or the embedded store in DATA_DIR, like `npm start`.
 */
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import PDFDocument from 'pdfkit';
import { createApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { connectDatabase } from '../server/db/connect.js';
import { events } from '../server/lib/events.js';
import { createLogger } from '../server/lib/logger.js';
import { createStaff } from '../server/modules/accounts/accounts.service.js';
import { User } from '../server/modules/accounts/user.model.js';
import { CRAFTS, REGIONS } from '../server/modules/reference/reference.data.js';
import { renderMotif } from '../test/support/motifs.js';

export const DEMO_PASSWORD = 'naqsh-demo-2026';
const API = '/api/v1';

const CRAFT_TITLES: Record<string, Array<{ ar: string; fr: string; en: string }>> = {
  carpet: [
    { ar: 'زربية بني وراين', fr: 'Tapis Béni Ouarain', en: 'Beni Ouarain rug' },
    { ar: 'زربية أزيلال', fr: "Tapis d'Azilal", en: 'Azilal rug' },
    { ar: 'زربية تازناخت', fr: 'Tapis de Taznakht', en: 'Taznakht carpet' },
  ],
  pottery: [
    { ar: 'فخار آسفي المزجج', fr: 'Poterie émaillée de Safi', en: 'Glazed pottery of Safi' },
    { ar: 'فخار تامكروت الأخضر', fr: 'Poterie verte de Tamegroute', en: 'Green pottery of Tamegroute' },
  ],
  zellige: [
    { ar: 'الزليج الفاسي النجمي', fr: 'Zellige de Fès à étoile', en: 'Star zellige of Fez' },
    { ar: 'زليج مكناس', fr: 'Zellige de Meknès', en: 'Meknes zellige' },
  ],
  embroidery: [
    { ar: 'طرز فاسي', fr: 'Broderie de Fès (terz fassi)', en: 'Fez embroidery' },
    { ar: 'طرز الرباط', fr: 'Broderie de Rabat', en: 'Rabat embroidery' },
  ],
  jewelry: [
    { ar: 'حلي الفضة من تزنيت', fr: 'Bijoux en argent de Tiznit', en: 'Silver jewellery of Tiznit' },
    { ar: 'تازرزيت أمازيغية', fr: 'Fibule amazighe (tazerzit)', en: 'Amazigh fibula' },
  ],
  leather: [{ ar: 'بلغة مراكشية', fr: 'Babouches de Marrakech', en: 'Marrakesh babouches' }],
  wood: [{ ar: 'ترصيع خشب العرعار', fr: "Marqueterie de thuya d'Essaouira", en: 'Thuya marquetry of Essaouira' }],
  metal: [{ ar: 'النحاس المنقوش الفاسي', fr: 'Dinanderie de Fès', en: 'Chased copper of Fez' }],
  basketry: [{ ar: 'سلال الدوم من الشاون', fr: 'Vannerie en doum de Chefchaouen', en: 'Doum basketry of Chefchaouen' }],
  textile: [{ ar: 'حايك وزان', fr: 'Haïk de Ouezzane', en: 'Ouezzane haik' }],
};

function pdf(text: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A4' });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.fontSize(14).text(text);
    doc.end();
  });
}

async function main() {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const db = await connectDatabase(config, logger);
  try {
    if ((await User.estimatedDocumentCount()) > 0) {
      console.error('The database already has accounts: npm run seed fills an empty database only (remove DATA_DIR to start again).');
      process.exitCode = 1;
      return;
    }
    const app = createApp({ config, logger, pingDatabase: db.ping });

    const withCsrf = async (agent: TestAgent, token?: string) => {
      const csrf = token ?? (await agent.get(`${API}/auth/csrf`).expect(200)).body.csrfToken;
      agent.set('X-CSRF-Token', csrf);
      return agent;
    };
    const signIn = async (email: string) => {
      const agent = await withCsrf(request.agent(app));
      const res = await agent.post(`${API}/auth/login`).send({ email, password: DEMO_PASSWORD }).expect(200);
      return withCsrf(agent, res.body.csrfToken);
    };
    const signUp = async (body: Record<string, unknown>) => {
      const agent = await withCsrf(request.agent(app));
      const res = await agent.post(`${API}/auth/register`).send({ password: DEMO_PASSWORD, locale: 'ar', ...body }).expect(201);
      return withCsrf(agent, res.body.csrfToken);
    };

    await createStaff({ email: 'admin@naqsh.demo', password: DEMO_PASSWORD, fullName: 'Nadia Admin', role: 'admin', locale: 'fr' });
    await createStaff({ email: 'examiner@naqsh.demo', password: DEMO_PASSWORD, fullName: 'Youssef Bennani', role: 'examiner', locale: 'fr' });
    const admin = await signIn('admin@naqsh.demo');
    const examiner = await signIn('examiner@naqsh.demo');
    const fatima = await signUp({ email: 'fatima@naqsh.demo', fullName: 'Fatima Ait Oumghar', accountType: 'artisan', craft: 'carpet', region: 'souss-massa' });
    const hassan = await signUp({ email: 'hassan@naqsh.demo', fullName: 'Hassan El Fassi', accountType: 'artisan', craft: 'zellige', region: 'fes-meknes', locale: 'fr' });
    const coop = await signUp({
      email: 'coop@naqsh.demo',
      fullName: 'Khadija Amrani',
      accountType: 'cooperative',
      craft: 'carpet',
      region: 'draa-tafilalet',
      cooperative: { name: 'Coopérative Tifawt des tisserandes', registrationNumber: 'COOP-2019-0457' },
    });

    // A few dozen registered motifs across crafts and regions, as a legacy import.
    const manifest: Record<string, unknown>[] = [];
    let req = admin.post(`${API}/admin/import`);
    let n = 0;
    for (let round = 0; round < 3; round++) {
      for (const craft of CRAFTS) {
        const titles = CRAFT_TITLES[craft]!;
        const title = titles[round % titles.length]!;
        const region = REGIONS[(n * 5 + round) % REGIONS.length]!;
        const file = `motif-${n}.jpg`;
        const year = 2012 + (n % 12);
        manifest.push({
          protectionType: n % 4 === 3 ? 'heritage_inventory' : 'industrial_design',
          title,
          description: { fr: `${title.fr}, motif traditionnel déposé par des artisans de la région.` },
          craft,
          region,
          community: n % 4 === 3 ? 'Communauté des artisans de la région' : undefined,
          holder: n % 4 === 3 ? 'Communauté des artisans' : `Atelier ${n + 1}`,
          registrationNumber: `RD-${year}-${String(1000 + n).padStart(6, '0')}`,
          registeredAt: `${year}-0${1 + (n % 9)}-15`,
          status: 'registered',
          images: [file],
        });
        req = req.attach('images', (await renderMotif(2026, n, 640)).jpeg, file);
        n++;
      }
    }
    const imported = await req.field('manifest', JSON.stringify(manifest)).expect(200);
    if (imported.body.failed.length) throw new Error(`import failed: ${JSON.stringify(imported.body.failed)}`);

    // Filings in every state of the lifecycle.
    let motif = 100;
    const photo = async () => (await renderMotif(2026, motif++, 900)).jpeg;
    const file = async (owner: TestAgent, body: Record<string, unknown>, docs: Array<[string, string]> = []) => {
      const id: string = (await owner.post(`${API}/applications`).send(body).expect(201)).body.application.id;
      await owner.post(`${API}/applications/${id}/images`).attach('images', await photo(), 'photo.jpg').expect(201);
      for (const [kind, text] of docs) {
        await owner.post(`${API}/applications/${id}/documents`).field('kind', kind).attach('document', await pdf(text), `${kind}.pdf`).expect(201);
      }
      return id;
    };
    const act = (agent: TestAgent, id: string, action: string, body: Record<string, unknown> = {}) =>
      agent.post(`${API}/applications/${id}/actions/${action}`).send(body).expect(200);

    const design = (title: { ar: string; fr: string }, craft: string, region: string, locarnoClass: string) => ({
      protectionType: 'industrial_design',
      title,
      description: { fr: `${title.fr} : dessin original.` },
      craft,
      region,
      locarnoClass,
    });
    const heritage = {
      protectionType: 'heritage_inventory',
      title: { ar: 'نسيج الحنبل في تافيلالت', fr: 'Tissage du hanbel au Tafilalet' },
      description: { ar: 'نسيج تقليدي تتوارثه النساء', fr: 'Tissage traditionnel transmis par les femmes.' },
      craft: 'textile',
      region: 'draa-tafilalet',
      community: 'Tisserandes du Tafilalet',
      tkLabel: 'attribution',
      sensitive: false,
    };
    const mark = (fr: string, ar: string) => ({
      protectionType: 'collective_mark',
      title: { ar, fr },
      description: { fr: `Marque collective des membres de la coopérative : ${fr}.` },
      craft: 'carpet',
      region: 'draa-tafilalet',
      niceClasses: [24, 27],
    });
    const regulations: Array<[string, string]> = [['regulations_of_use', 'Règlement d’usage de la marque collective.']];
    const consent: Array<[string, string]> = [['community_consent', 'Consentement de la communauté.']];

    // draft
    await file(fatima, design({ ar: 'زربية الأطلس المتوسط', fr: 'Tapis du Moyen Atlas' }, 'carpet', 'fes-meknes', '06-11'));
    // submitted
    const submitted = await file(fatima, design({ ar: 'زربية أمازيغية من تازناخت', fr: 'Tapis amazigh de Taznakht' }, 'carpet', 'souss-massa', '06-11'));
    await act(fatima, submitted, 'submit');
    // formality_review
    const inReview = await file(hassan, design({ ar: 'زليج نجمة ثمانية', fr: 'Zellige étoile à huit branches' }, 'zellige', 'fes-meknes', '25-01'));
    await act(hassan, inReview, 'submit');
    await act(examiner, inReview, 'claim');
    // registered design
    const registered = await file(hassan, design({ ar: 'صينية نحاسية منقوشة', fr: 'Plateau en cuivre ciselé' }, 'metal', 'fes-meknes', '07-01'));
    await act(hassan, registered, 'submit');
    await act(examiner, registered, 'claim');
    await act(examiner, registered, 'accept_formalities');
    // refused design
    const refused = await file(fatima, design({ ar: 'زربية الحنبل', fr: 'Hanbel berbère' }, 'carpet', 'souss-massa', '06-11'));
    await act(fatima, refused, 'submit');
    await act(examiner, refused, 'claim');
    await act(examiner, refused, 'refuse', { reason: 'Motif communautaire revendiqué comme dessin individuel.' });
    // withdrawn
    const withdrawn = await file(hassan, design({ ar: 'زليج أزرق', fr: 'Zellige bleu' }, 'zellige', 'fes-meknes', '25-01'));
    await act(hassan, withdrawn, 'withdraw');
    // correction_requested (heritage)
    const correction = await file(fatima, heritage, consent);
    await act(fatima, correction, 'submit');
    await act(examiner, correction, 'claim');
    await act(examiner, correction, 'request_correction', { reason: 'Précisez la communauté détentrice de la pratique.' });
    // substantive_review (heritage)
    const substantive = await file(fatima, { ...heritage, title: { ar: 'طرز الرباط', fr: 'Broderie de Rabat' }, craft: 'embroidery', region: 'rabat-sale-kenitra' }, consent);
    await act(fatima, substantive, 'submit');
    await act(examiner, substantive, 'claim');
    await act(examiner, substantive, 'accept_formalities');
    // published and opposed (collective marks)
    const published = await file(coop, mark('Tifawt — tapis du Tafilalet', 'تيفاوت — زرابي تافيلالت'), regulations);
    const opposed = await file(coop, mark('Tifawt Hanbel', 'تيفاوت حنبل'), regulations);
    for (const id of [published, opposed]) {
      await act(coop, id, 'submit');
      await act(examiner, id, 'claim');
      await act(examiner, id, 'accept_formalities');
      await act(examiner, id, 'approve');
    }
    const opposedNumber = (await coop.get(`${API}/applications/${opposed}`).expect(200)).body.application.applicationNumber;
    await request(app)
      .post(`${API}/registry/${opposedNumber}/oppositions`)
      .send({ name: 'Atelier Concurrent SARL', email: 'contact@atelier.example', grounds: 'Le motif reprend une marque antérieure.' })
      .expect(201);

    await events.settled();
    console.log(`Demo ready: ${manifest.length} registered motifs imported and 11 filings across the lifecycle.
Sign in with password "${DEMO_PASSWORD}" as:
  admin@naqsh.demo (admin), examiner@naqsh.demo (examiner),
  fatima@naqsh.demo and hassan@naqsh.demo (artisans), coop@naqsh.demo (cooperative).`);
  } finally {
    await events.settled();
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error('Seeding failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
