import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/lib/logger.js';
import { createTestApp, testConfig } from '../support/app.js';

describe('the application foundation (server/app.ts)', () => {
  const { app } = createTestApp();

  describe('GET /healthz', () => {
    it('When the process is up, then answers 200', async () => {
      const res = await request(app).get('/healthz').expect(200);
      assert.equal(res.body.status, 'ok');
    });
  });

  describe('GET /readyz', () => {
    it('When the database answers, then answers 200', async () => {
      await request(app).get('/readyz').expect(200);
    });

    it('When the database is down, then answers 503 problem+json', async () => {
      const down = createApp({
        config: testConfig(),
        logger: createLogger('silent'),
        pingDatabase: () => Promise.reject(new Error('connection refused')),
      });
      const res = await request(down).get('/readyz').expect(503);
      assert.match(res.headers['content-type']!, /application\/problem\+json/);
      assert.equal(res.body.status, 503);
    });
  });

  describe('errors as problem+json', () => {
    it('When the path is unknown, then answers 404 problem+json without HTML', async () => {
      const res = await request(app).get('/api/v1/no-such-thing').expect(404);
      assert.match(res.headers['content-type']!, /application\/problem\+json/);
      const body = JSON.parse(res.text);
      assert.equal(body.status, 404);
      assert.equal(body.title, 'Not Found');
      assert.ok(body.type && body.detail);
    });

    it('When the JSON body is malformed, then answers 400 problem+json', async () => {
      const res = await request(app)
        .post('/api/v1/anything')
        .set('Content-Type', 'application/json')
        .send('{"title": ')
        .expect(400);
      const body = JSON.parse(res.text);
      assert.equal(body.status, 400);
      assert.equal(body.code, 'malformed_json');
      assert.doesNotMatch(res.text, /at .*\.js/); // no stack trace
    });

    it('When the JSON body is over 1 MB, then answers 413 problem+json', async () => {
      const big = JSON.stringify({ text: 'x'.repeat(1_100_000) });
      const res = await request(app).post('/api/v1/anything').set('Content-Type', 'application/json').send(big).expect(413);
      assert.equal(JSON.parse(res.text).status, 413);
    });
  });

  describe('request ids', () => {
    it('When a request has none, then the response carries a generated X-Request-Id', async () => {
      const res = await request(app).get('/healthz');
      assert.match(res.headers['x-request-id']!, /^[0-9a-f-]{36}$/);
    });

    it('When a request carries a sane X-Request-Id, then it is echoed; an unsafe one is replaced', async () => {
      const echoed = await request(app).get('/healthz').set('X-Request-Id', 'abc-123');
      assert.equal(echoed.headers['x-request-id'], 'abc-123');
      const replaced = await request(app).get('/healthz').set('X-Request-Id', '<script>');
      assert.notEqual(replaced.headers['x-request-id'], '<script>');
    });
  });

  describe('security headers', () => {
    it('When any page is served, then it has a Content-Security-Policy without inline scripts', async () => {
      const res = await request(app).get('/healthz');
      const csp = res.headers['content-security-policy']!;
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-powered-by'], undefined);
    });
  });

  describe('GET /metrics', () => {
    it('When requests were served, then counts and latency appear by route pattern', async () => {
      await request(app).get('/api/v1/reference').expect(200);
      const res = await request(app).get('/metrics').expect(200);
      assert.match(res.text, /naqsh_http_requests_total\{method="GET",route="\/api\/v1\/reference",status="200"\} \d+/);
      assert.match(res.text, /naqsh_http_request_duration_seconds_bucket\{.*route="\/api\/v1\/reference"/);
    });
  });

  describe('the API document', () => {
    it('When GET /api/openapi.json, then it is OpenAPI 3.1 with the declared routes', async () => {
      const res = await request(app).get('/api/openapi.json').expect(200);
      assert.equal(res.body.openapi, '3.1.0');
      assert.ok(res.body.paths['/api/v1/reference'].get);
    });

    it('When GET /api/docs, then a browsable page loads its script from the same origin', async () => {
      const res = await request(app).get('/api/docs').expect(200);
      assert.match(res.headers['content-type']!, /text\/html/);
      assert.match(res.text, /<script src="\/api\/docs\/docs.js">/);
      await request(app).get('/api/docs/docs.js').expect(200).expect('Content-Type', /javascript/);
    });
  });

  describe('GET /api/v1/reference', () => {
    it('When asked, then answers every list of the contract with names in three languages', async () => {
      const res = await request(app).get('/api/v1/reference').expect(200);
      for (const key of ['crafts', 'regions', 'protectionTypes', 'statuses', 'locarnoClasses', 'niceClasses', 'tkLabels']) {
        assert.ok(Array.isArray(res.body[key]) && res.body[key].length > 0, key);
      }
      assert.equal(res.body.regions.length, 12);
      assert.equal(res.body.niceClasses.length, 45);
      const carpet = res.body.crafts.find((c: { code: string }) => c.code === 'carpet');
      assert.deepEqual(Object.keys(carpet.names).sort(), ['ar', 'en', 'fr']);
    });
  });
});
