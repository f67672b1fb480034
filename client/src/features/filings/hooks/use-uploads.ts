/**
 * Photos on their way to a filing: each is shrunk in the browser, sent on its own with a progress
 * bar, and kept with its error when it fails so the artisan can retry just that one.
 */
import { useCallback, useRef, useState } from 'react';
import { shrinkImage } from '../../../lib/shrink-image';
import { uploadImage, type FilingImage } from '../api/filings';

export interface PendingUpload {
  key: string;
  name: string;
  preview: string;
  progress: number;
  state: 'preparing' | 'uploading' | 'failed';
  error?: unknown;
}

let counter = 0;

export function useUploads(filingId: string | undefined, onUploaded: (images: FilingImage[]) => void) {
  const [pending, setPending] = useState<PendingUpload[]>([]);
  const files = useRef(new Map<string, File>());
  const update = (key: string, patch: Partial<PendingUpload>) => setPending((list) => list.map((p) => (p.key === key ? { ...p, ...patch } : p)));
  const remove = useCallback((key: string) => {
    setPending((list) => {
      const gone = list.find((p) => p.key === key);
      if (gone) URL.revokeObjectURL(gone.preview);
      return list.filter((p) => p.key !== key);
    });
    files.current.delete(key);
  }, []);

  const send = useCallback(
    async (key: string) => {
      const file = files.current.get(key);
      if (!file || !filingId) return;
      update(key, { state: 'preparing', progress: 0, error: undefined });
      try {
        const small = await shrinkImage(file);
        update(key, { state: 'uploading' });
        const res = await uploadImage(filingId, small, file.name || 'photo.jpg', (progress) => update(key, { progress })).promise;
        onUploaded(res.images);
        remove(key);
      } catch (error) {
        update(key, { state: 'failed', error });
      }
    },
    [filingId, onUploaded, remove],
  );

  const add = useCallback(
    (list: FileList | File[]) => {
      for (const file of Array.from(list)) {
        const key = `u${++counter}`;
        files.current.set(key, file);
        setPending((p) => [...p, { key, name: file.name, preview: URL.createObjectURL(file), progress: 0, state: 'preparing' }]);
        void send(key);
      }
    },
    [send],
  );

  return { pending, add, retry: send, remove };
}
