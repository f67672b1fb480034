/**
 * Runs the jobs every JOBS_INTERVAL_SECONDS (0 = never) under a lease, so with several app
 * instances one of them runs each round; a crashed holder's lease expires after LEASE_MS.
 */
import type { Logger } from '../../lib/logger.js';
import type { JobsService } from './jobs.service.js';
import { acquireLease, leaseHolder, releaseLease } from './lease.js';

export const LEASE_NAME = 'lifecycle-jobs';
const LEASE_MS = 5 * 60_000;

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(deps: { jobs: JobsService; logger: Logger; intervalMs: number }): Scheduler {
  const { jobs, logger, intervalMs } = deps;
  if (intervalMs <= 0) return { stop: async () => {} };
  const holder = leaseHolder();
  let running: Promise<void> | undefined;
  let stopped = false;

  const tick = async () => {
    try {
      if (!(await acquireLease(LEASE_NAME, holder, LEASE_MS))) return;
      try {
        await jobs.runDue();
      } finally {
        await releaseLease(LEASE_NAME, holder);
      }
    } catch (err) {
      logger.error({ err }, 'scheduled jobs failed');
    }
  };

  const timer = setInterval(() => {
    if (stopped || running) return; // never overlap rounds in one process
    running = tick().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  timer.unref();
  logger.info({ intervalMs }, 'job scheduler started');

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
