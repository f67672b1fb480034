/**
 * Puts the lifecycle's services together — notifier, moves, examination, jobs — and exposes
 * their routes as one router for app.ts and the scheduler for main.ts. Services hold no state of
 * their own (everything lives in the database), so app and scheduler may each build their own.
 */
import express from 'express';
import type { Config } from '../../config.js';
import type { Logger } from '../../lib/logger.js';
import { auditRouter } from '../audit/audit.routes.js';
import { examinationRouter } from '../examination/examination.routes.js';
import { createExaminationService } from '../examination/examination.service.js';
import { jobsRouter } from '../jobs/jobs.routes.js';
import { createJobsService } from '../jobs/jobs.service.js';
import { startScheduler, type Scheduler } from '../jobs/scheduler.js';
import { notificationsRouter } from '../notifications/notifications.routes.js';
import { createNotifier } from '../notifications/notifications.service.js';
import { lifecycleRouter } from './lifecycle.routes.js';
import { createLifecycleService } from './lifecycle.service.js';

export function createLifecycleServices(deps: { config: Config; logger: Logger }) {
  const notifier = createNotifier(deps);
  const lifecycle = createLifecycleService({ ...deps, notifier });
  const examination = createExaminationService({ notifier });
  const jobs = createJobsService({ lifecycle, notifier, logger: deps.logger });
  return { notifier, lifecycle, examination, jobs };
}

export type LifecycleServices = ReturnType<typeof createLifecycleServices>;

/** Every route of the lifecycle, examination, audit, notifications and jobs modules. */
export function lifecycleApi(deps: { config: Config; logger: Logger; services?: LifecycleServices }) {
  const services = deps.services ?? createLifecycleServices(deps);
  const router = express.Router();
  router.use(lifecycleRouter({ ...deps, lifecycle: services.lifecycle }));
  router.use(examinationRouter({ examination: services.examination }));
  router.use(notificationsRouter());
  router.use(auditRouter());
  router.use(jobsRouter({ jobs: services.jobs }));
  return router;
}

/** Starts the deadline scheduler (JOBS_INTERVAL_SECONDS; 0 leaves it off). */
export function startLifecycleScheduler(deps: { config: Config; logger: Logger }): Scheduler {
  const { jobs } = createLifecycleServices(deps);
  return startScheduler({ jobs, logger: deps.logger, intervalMs: deps.config.jobsIntervalMs });
}
