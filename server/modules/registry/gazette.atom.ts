/** The gazette as an Atom 1.0 feed (RFC 4287), for feed readers and integrators. */
import type { presentGazetteItem } from './registry.presenter.js';

type Item = ReturnType<typeof presentGazetteItem>;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export function atomFeed(items: Item[], opts: { from: Date; to: Date; publicUrl: string }): string {
  const base = opts.publicUrl.replace(/\/$/, '');
  const updated = items[0] ? (items[0].event === 'published' ? items[0].publishedAt : items[0].registeredAt) : opts.to.toISOString();
  const entries = items.map((item) => {
    const number = item.registrationNumber ?? item.applicationNumber ?? '';
    const at = (item.event === 'published' ? item.publishedAt : item.registeredAt) ?? opts.to.toISOString();
    const title = [item.title.fr ?? item.title.en, item.title.ar].filter(Boolean).join(' — ');
    const what = item.event === 'published' ? 'Publication' : 'Enregistrement';
    const link = `${base}/records/${encodeURIComponent(number)}`;
    return [
      '  <entry>',
      `    <id>${esc(`${link}#${item.event}`)}</id>`,
      `    <title>${esc(`${what} ${number}: ${title}`)}</title>`,
      `    <updated>${esc(at)}</updated>`,
      `    <link rel="alternate" href="${esc(link)}"/>`,
      `    <category term="${esc(item.event)}"/>`,
      `    <category term="${esc(item.protectionType)}"/>`,
      `    <summary>${esc(`${item.protectionType}, ${item.craft}, ${item.region}${item.oppositionEndsAt && item.event === 'published' ? `; oppositions until ${item.oppositionEndsAt}` : ''}`)}</summary>`,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${esc(`${base}/api/v1/gazette?from=${opts.from.toISOString()}&to=${opts.to.toISOString()}`)}</id>`,
    '  <title>Naqsh — Bulletin officiel du registre / الجريدة الرسمية للسجل</title>',
    `  <updated>${esc(updated ?? opts.to.toISOString())}</updated>`,
    `  <link rel="self" href="${esc(`${base}/api/v1/gazette`)}"/>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
