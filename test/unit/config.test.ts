import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../server/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected the configuration to be refused');
}

describe('configuration (server/config.ts)', () => {
  it('When nothing is set, then development defaults are used', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.mongodbUri, undefined);
    assert.match(config.dataDir, /data$/);
    assert.equal(config.correctionPeriodDays, 90);
    assert.equal(config.oppositionPeriodDays, 60);
    assert.equal(config.production, false);
  });

  it('When PORT is not a number, then the problem names PORT and the valid range', () => {
    assert.deepEqual(problemsOf({ PORT: 'abc' }), ['PORT must be 1-65535']);
    assert.deepEqual(problemsOf({ PORT: '70000' }), ['PORT must be 1-65535']);
  });

  it('When several variables are bad, then each one is named', () => {
    const problems = problemsOf({ PORT: '0', MONGODB_URI: 'postgres://x', OPPOSITION_PERIOD_DAYS: '-1' });
    assert.equal(problems.length, 3);
    assert.ok(problems.some((p) => p.startsWith('PORT ')));
    assert.ok(problems.some((p) => p.startsWith('MONGODB_URI ')));
    assert.ok(problems.some((p) => p.startsWith('OPPOSITION_PERIOD_DAYS ')));
  });

  it('When in production without SESSION_SECRET, then the start is refused', () => {
    assert.deepEqual(problemsOf({ NODE_ENV: 'production' }), [
      'SESSION_SECRET is required in production (at least 32 random characters)',
    ]);
    const ok = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) });
    assert.equal(ok.sessionSecret, 'x'.repeat(40));
  });

  it('When periods are fractions or zero, then they are accepted as days', () => {
    const config = loadConfig({ CORRECTION_PERIOD_DAYS: '0.5', OPPOSITION_PERIOD_DAYS: '0' });
    assert.equal(config.correctionPeriodDays, 0.5);
    assert.equal(config.oppositionPeriodDays, 0);
  });

  it('When only one of ADMIN_EMAIL and ADMIN_PASSWORD is set, then the start is refused', () => {
    assert.equal(problemsOf({ ADMIN_EMAIL: 'admin@example.ma' }).length, 1);
    assert.equal(problemsOf({ ADMIN_EMAIL: 'admin@example.ma' })[0]!.startsWith('ADMIN_PASSWORD'), true);
  });

  it('When empty strings are given, then they count as unset', () => {
    assert.equal(loadConfig({ PORT: '', MONGODB_URI: '' }).port, 3000);
  });
});
