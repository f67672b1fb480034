import type { ElementType } from 'react';
import { useI18n, type Multilingual } from '../i18n/i18n';

/** Multilingual text in the reader's language (or the nearest given), marked with its own language. */
export function Text({ value, as: Tag = 'span', className }: { value: Multilingual | string | undefined; as?: ElementType; className?: string }) {
  const { pick } = useI18n();
  const text = pick(value);
  return (
    <Tag className={className} lang={text.lang || undefined} dir="auto">
      {text.value}
    </Tag>
  );
}
