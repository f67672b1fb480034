/**
 * The cheap path of a public request (issue 9: throughput of public pages) keeps its behaviour:
 * one log line per request with its id and the right level, the request's logger bound to the
 * id, secrets redacted, and the reference data served from a precomputed body with a strong
 * ETag that answers 304.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { requestLog } from '../../server/lib/request-log.js';
import { crafts, regions } from '../../server/modules/reference/reference.data.js';
import { testConfig } from '../support/app.js';

type Line = Record<string, unknown> & { level: number; msg: string; reqId?: string; req?: Record<string, unknown>; res?: { statusCode: number } };

/** A pino logger (with the app's redaction) whose lines land in an array. */
function capturingLogger(level = 'info') {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  const logger = pino({ level, redact: { paths: ['req.headers.cookie', 'req.headers.authorization'], censor: '[redacted]' } }, sink);
  return { logger, lines };
}

/** Log lines are written when the response has finished; wait for the pending writes. */
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('Reliability: the public request path keeps its behaviour', () => {
  describe('request logging', () => {
    it('When requests complete, then each gets one line with its id, status and level, and probes are quiet', async () => {
      const { logger, lines } = capturingLogger();
      const app = createApp({ config: testConfig(), logger, pingDatabase: async () => undefined });
      const ok = await request(app).get('/api/v1/reference').set('X-Request-Id', 'trace-42').set('Cookie', 'naqsh.sid=secret-value').expect(200);
      assert.equal(ok.headers['x-request-id'], 'trace-42');
      const missing = await request(app).get('/api/v1/no-such-thing').expect(404);
      await request(app).get('/healthz').expect(200);
      await settle();

      const completed = lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('request'));
      assert.equal(completed.length, 2, JSON.stringify(completed));
      const [first, second] = completed as [Line, Line];
      assert.equal(first.reqId, 'trace-42');
      assert.equal(first.req?.id, 'trace-42');
      assert.equal(first.req?.method, 'GET');
      assert.equal(first.req?.url, '/api/v1/reference');
      assert.equal(first.res?.statusCode, 200);
      assert.equal(first.level, 30); // info
      assert.equal(typeof first.responseTime, 'number');
      assert.equal((first.req?.headers as Record<string, string>).cookie, '[redacted]');
      assert.equal(second.reqId, missing.headers['x-request-id']);
      assert.equal(second.level, 40); // warn for a 4xx
    });

    it('When a handler logs through req.log, then its line carries the request id; a 5xx is logged as an error', async () => {
      const { logger, lines } = capturingLogger();
      const app = express();
      app.use(requestLog(app, logger));
      app.get('/work', (req, res) => {
        req.log.info({ step: 1 }, 'working');
        res.status(503).end();
      });
      const res = await request(app).get('/work').expect(503);
      await settle();
      const working = lines.find((l) => l.msg === 'working');
      assert.equal(working?.reqId, res.headers['x-request-id']);
      assert.match(res.headers['x-request-id']!, /^[0-9a-f-]{36}$/);
      const done = lines.find((l) => l.msg === 'request errored');
      assert.equal(done?.level, 50);
    });

    it('When the log level is above info, then successful requests write nothing', async () => {
      const { logger, lines } = capturingLogger('warn');
      const app = createApp({ config: testConfig(), logger, pingDatabase: async () => undefined });
      await request(app).get('/api/v1/reference').expect(200);
      await request(app).get('/api/v1/nothing-here').expect(404);
      await settle();
      assert.deepEqual(lines.map((l) => l.level), [40]);
    });
  });

  describe('GET /api/v1/reference', () => {
    const { logger } = capturingLogger('silent');
    const app = createApp({ config: testConfig(), logger, pingDatabase: async () => undefined });

    it('When asked, then the body is the reference data with a strong ETag, cacheable, with the security headers', async () => {
      const res = await request(app).get('/api/v1/reference').expect(200);
      assert.match(res.headers['content-type']!, /^application\/json; charset=utf-8/);
      assert.match(res.headers.etag!, /^"[A-Za-z0-9_-]{27}"$/);
      assert.equal(res.headers['cache-control'], 'public, max-age=3600');
      assert.ok(res.headers['content-security-policy']);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.deepEqual(res.body.crafts, crafts);
      assert.deepEqual(res.body.regions, regions);
      assert.equal(Number(res.headers['content-length']), Buffer.byteLength(res.text));
    });

    it('When the client already has it (If-None-Match), then the answer is 304 without a body', async () => {
      const first = await request(app).get('/api/v1/reference').expect(200);
      const again = await request(app).get('/api/v1/reference').set('If-None-Match', first.headers.etag!).expect(304);
      assert.equal(again.text, '');
      await request(app).get('/api/v1/reference').set('If-None-Match', '"something-else"').expect(200);
    });
  });
});
