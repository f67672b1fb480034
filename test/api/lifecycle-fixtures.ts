/**
 * Factories for lifecycle tests: complete filings of each type, created through the API as their
 * owner, with image and document records written straight to the database (media processing is
 * the media module's business and would only slow these tests down), and a helper to act.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import type TestAgent from 'supertest/lib/agent.js';
import { Application } from '../../server/modules/applications/application.model.js';
import { API, createActor, type Actor, type App } from '../support/actors.js';
import { createTestApp } from '../support/app.js';

export type ProtectionType = 'industrial_design' | 'collective_mark' | 'heritage_inventory';
export const TYPES: ProtectionType[] = ['industrial_design', 'collective_mark', 'heritage_inventory'];

/** The app with a temporary data folder (outbox, keys), and the given environment overrides. */
export function lifecycleApp(overrides: Record<string, string> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-lifecycle-'));
  return { ...createTestApp({ DATA_DIR: dataDir, ...overrides }), dataDir };
}

const sha = () => crypto.randomBytes(32).toString('hex');

export function fakeImage() {
  const key = sha();
  return { _id: new Types.ObjectId(), width: 800, height: 600, mime: 'image/png', sha256: sha(), bytes: 1234, files: { original: key, thumb: `${key}-t`, display: `${key}-d`, publicDisplay: `${key}-p` }, uploadedAt: new Date() };
}

export function fakeDocument(kind: string) {
  return { _id: new Types.ObjectId(), kind, fileName: `${kind}.pdf`, mime: 'application/pdf', sha256: sha(), bytes: 2048, file: sha(), uploadedAt: new Date() };
}

const BODIES: Record<ProtectionType, Record<string, unknown>> = {
  industrial_design: { title: { fr: 'Tapis Beni Ouarain', ar: 'زربية بني وراين' }, craft: 'carpet', region: 'fes-meknes', locarnoClass: '06-11' },
  collective_mark: { title: { fr: 'Argane Coop', ar: 'تعاونية أركان' }, craft: 'textile', region: 'souss-massa', niceClasses: [24, 27] },
  heritage_inventory: {
    title: { fr: 'Motif losange Aït Bouichaouen' },
    description: { fr: 'Losanges tissés transmis par les femmes de la tribu.' },
    craft: 'carpet',
    region: 'beni-mellal-khenifra',
    community: 'Aït Bouichaouen',
    tkLabel: 'attribution',
    sensitive: false,
  },
};

/** Who may file each type: collective marks need a cooperative. */
export const OWNER_ROLE: Record<ProtectionType, 'artisan' | 'cooperative'> = {
  industrial_design: 'artisan',
  collective_mark: 'cooperative',
  heritage_inventory: 'artisan',
};

/** A draft through the API, then made complete by writing its files' records directly. */
export async function completeDraft(owner: Actor, type: ProtectionType, options: { complete?: boolean } = {}): Promise<string> {
  const res = await owner.agent.post(`${API}/applications`).send({ protectionType: type, ...BODIES[type] });
  assert.equal(res.status, 201, res.text);
  const id = res.body.application.id as string;
  if (options.complete !== false) {
    const documents = type === 'collective_mark' ? [fakeDocument('regulations_of_use')] : type === 'heritage_inventory' ? [fakeDocument('community_consent')] : [];
    await Application.updateOne({ _id: id }, { $push: { images: { $each: [fakeImage(), fakeImage()] }, documents: { $each: documents } } });
  }
  return id;
}

export async function act(agent: TestAgent, id: string, action: string, body: Record<string, unknown> = {}) {
  return agent.post(`${API}/applications/${id}/actions/${action}`).send(body);
}

/** Acts and asserts the answer and the new status. */
export async function move(agent: TestAgent, id: string, action: string, to: string, body: Record<string, unknown> = {}) {
  const res = await act(agent, id, action, body);
  assert.equal(res.status, 200, `${action}: ${res.status} ${res.text}`);
  assert.equal(res.body.application.status, to, `${action} should lead to ${to}`);
  return res.body.application as Record<string, unknown> & { id: string; status: string; version: number };
}

export interface Cast {
  owners: Record<ProtectionType, Actor>;
  examiner: Actor;
  otherExaminer: Actor;
  admin: Actor;
  stranger: Actor;
}

export async function createCast(app: App): Promise<Cast> {
  const [artisan, cooperative, examiner, otherExaminer, admin, stranger] = await Promise.all([
    createActor(app, 'artisan', { locale: 'fr' }),
    createActor(app, 'cooperative', { locale: 'ar' }),
    createActor(app, 'examiner', { locale: 'en' }),
    createActor(app, 'examiner'),
    createActor(app, 'admin'),
    createActor(app, 'artisan'),
  ]);
  return { owners: { industrial_design: artisan, collective_mark: cooperative, heritage_inventory: artisan }, examiner, otherExaminer, admin, stranger };
}

/** Moves a filing straight in the database (to simulate time passing: dates in the past). */
export async function setDates(id: string, fields: Record<string, Date>) {
  await Application.updateOne({ _id: id }, { $set: fields });
}

export const DAY = 86_400_000;
