import { ApiError } from '../lib/api-client';
import type { MessageKey } from '../i18n/en';
import { useI18n } from '../i18n/i18n';

const BY_STATUS: Record<number, MessageKey> = {
  0: 'error.network',
  400: 'error.400',
  401: 'error.401',
  403: 'error.403',
  404: 'error.404',
  409: 'error.409',
  413: 'error.413',
  415: 'error.415',
  422: 'error.422',
  429: 'error.429',
};

/** What went wrong, in the reader's language; the server's own words below, for the curious. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  const key: MessageKey = (apiError && BY_STATUS[apiError.status]) || 'error.generic';
  return (
    <div className="alert alert-error" role="alert">
      <p>{t(key, { seconds: apiError?.retryAfter ?? 60 })}</p>
      {apiError?.problem.detail && apiError.status !== 0 && (
        <p className="muted small" dir="auto">
          {apiError.problem.detail}
        </p>
      )}
    </div>
  );
}
