/**
 * Multipart upload through XMLHttpRequest, because fetch cannot report upload progress and an
 * artisan on a weak network needs to see that a photo is moving.
 */
import { API_BASE, ApiError, getCsrfToken, networkError, setCsrfToken, type Problem } from './api-client';

export interface UploadHandle<T> {
  promise: Promise<T>;
  abort: () => void;
}

function once<T>(path: string, form: FormData, token: string, onProgress: (fraction: number) => void, xhr: XMLHttpRequest) {
  return new Promise<T>((resolve, reject) => {
    xhr.open('POST', API_BASE + path);
    xhr.withCredentials = false; // same origin: cookies go anyway
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText || 'null');
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      const problem = { ...(body && typeof body === 'object' ? (body as Partial<Problem>) : {}), status: xhr.status };
      const retry = Number(xhr.getResponseHeader('Retry-After'));
      reject(new ApiError(problem, retry > 0 ? retry : undefined));
    };
    xhr.onerror = () => reject(networkError());
    xhr.ontimeout = () => reject(networkError());
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    xhr.send(form);
  });
}

export function uploadWithProgress<T>(path: string, makeForm: () => FormData, onProgress: (fraction: number) => void): UploadHandle<T> {
  let xhr = new XMLHttpRequest();
  const run = async (): Promise<T> => {
    try {
      return await once<T>(path, makeForm(), await getCsrfToken(), onProgress, xhr);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 403 && err.problem.code === 'csrf_failed')) throw err;
      setCsrfToken(undefined);
      xhr = new XMLHttpRequest();
      return once<T>(path, makeForm(), await getCsrfToken(), onProgress, xhr);
    }
  };
  return { promise: run(), abort: () => xhr.abort() };
}
