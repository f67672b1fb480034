/**
 * A bounded queue for CPU- and memory-heavy work (image decoding). At most `concurrency` jobs run
 * at once, so ten 12-megapixel photos arriving together are decoded a couple at a time instead of
 * all at once (which would hold ten full-size bitmaps in memory and starve the event loop of
 * threads). Past `maxWaiting` queued jobs new work is refused rather than queued without end.
 */
import { ServiceUnavailableError } from '../../lib/errors.js';

export interface ProcessingQueue {
  run<T>(job: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
}

export function createProcessingQueue(options: { concurrency: number; maxWaiting: number }): ProcessingQueue {
  let running = 0;
  const waiting: Array<() => void> = [];

  const next = () => {
    if (running >= options.concurrency) return;
    const start = waiting.shift();
    if (start) start();
  };

  return {
    get running() {
      return running;
    },
    get waiting() {
      return waiting.length;
    },
    run<T>(job: () => Promise<T>): Promise<T> {
      if (running >= options.concurrency && waiting.length >= options.maxWaiting) {
        return Promise.reject(new ServiceUnavailableError('The server is busy processing images; try again in a moment.'));
      }
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          running++;
          job()
            .then(resolve, reject)
            .finally(() => {
              running--;
              next();
            });
        };
        waiting.push(start);
        next();
      });
    },
  };
}
