/**
 * A browsable page for the OpenAPI document at /api/docs. Self-contained (no CDN: the
 * machines that run Naqsh may have no internet) and CSP-friendly (no inline script).
 */
import express from 'express';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Naqsh API</title><link rel="stylesheet" href="/api/docs/docs.css"></head>
<body><header><h1>Naqsh API</h1><p>Generated from the validation schemas. Raw document: <a href="/api/openapi.json">/api/openapi.json</a></p></header>
<main id="doc">Loading…</main><script src="/api/docs/docs.js"></script></body></html>`;

const CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafaf7}
header{background:#0b4f6c;color:#fff;padding:1rem 2rem}header a{color:#fff}main{padding:1rem 2rem;max-width:70rem}
details{background:#fff;border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.4rem .8rem}
summary{cursor:pointer}code{font-family:ui-monospace,monospace}.m{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}
.get{color:#0a6}.post{color:#06c}.patch{color:#a60}.delete{color:#c22}.put{color:#85c}pre{background:#f4f4f0;padding:.5rem;overflow:auto;font-size:13px}h2{margin-top:1.5rem}`;

const JS = `fetch('/api/openapi.json').then(r=>r.json()).then(doc=>{
const main=document.getElementById('doc');main.textContent='';
const byTag={};
for(const [p,ops] of Object.entries(doc.paths||{}))for(const [m,op] of Object.entries(ops)){const t=(op.tags||['other'])[0];(byTag[t]=byTag[t]||[]).push([m,p,op]);}
const el=(tag,text,cls)=>{const e=document.createElement(tag);if(text)e.textContent=text;if(cls)e.className=cls;return e;};
for(const tag of Object.keys(byTag).sort()){main.append(el('h2',tag));
for(const [m,p,op] of byTag[tag]){const d=el('details');const s=el('summary');s.append(el('span',m,'m '+m),el('code',p),document.createTextNode(' — '+(op.summary||'')));d.append(s);
const pre=el('pre',JSON.stringify({parameters:op.parameters,requestBody:op.requestBody,responses:op.responses},null,2));d.append(pre);main.append(d);}}
const c=el('details');c.append(el('summary','Schemas'),el('pre',JSON.stringify(doc.components,null,2)));main.append(c);
}).catch(e=>{document.getElementById('doc').textContent='Could not load the document: '+e});`;

export function apiDocsRouter() {
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs.js', (_req, res) => {
    res.type('application/javascript').send(JS);
  });
  router.get('/docs.css', (_req, res) => {
    res.type('text/css').send(CSS);
  });
  return router;
}
