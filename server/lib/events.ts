/**
 * Domain events inside one app instance: a module announces what changed, others react (the
 * registry refreshes its public index, search indexes a new image) without importing each
 * other's internals. Listeners run after the change is stored; a failing listener is logged and
 * never fails the request. Nothing here is shared across instances: every listener writes its
 * result to the database, which is what other instances read.
 */
import { EventEmitter } from 'node:events';

export interface DomainEvents {
  /** A filing was created, edited, moved through the lifecycle or imported. */
  'application.changed': { applicationId: string };
  /** A filing's image was stored with its derivatives. */
  'image.stored': { applicationId: string; imageId: string };
  /** An image was deleted. */
  'image.deleted': { applicationId: string; imageId: string };
}

type Listener<K extends keyof DomainEvents> = (payload: DomainEvents[K]) => unknown;

const emitter = new EventEmitter();
emitter.setMaxListeners(50);
const pending = new Set<Promise<unknown>>();
let onError: (err: unknown, event: string) => void = (err, event) => {
  process.stderr.write(`listener of ${event} failed: ${String(err)}\n`);
};

export const events = {
  on<K extends keyof DomainEvents>(event: K, listener: Listener<K>) {
    emitter.on(event, (payload: DomainEvents[K]) => {
      const p = Promise.resolve()
        .then(() => listener(payload))
        .catch((err: unknown) => onError(err, event))
        .finally(() => pending.delete(p));
      pending.add(p);
    });
  },
  off(event: keyof DomainEvents) {
    emitter.removeAllListeners(event);
  },
  emit<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K]) {
    emitter.emit(event, payload);
  },
  /** Resolves when every listener started so far has finished (tests, graceful stop). */
  async settled() {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  },
  setErrorHandler(handler: (err: unknown, event: string) => void) {
    onError = handler;
  },
};
