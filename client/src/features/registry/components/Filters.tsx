import { SelectField } from '../../../components/Fields';
import { useI18n } from '../../../i18n/i18n';
import type { MessageKey } from '../../../i18n/en';
import { useReference, type ReferenceKind } from '../../../lib/reference';
import { FILTER_KEYS, type SearchFilters } from '../api/registry';

const KINDS: Record<(typeof FILTER_KEYS)[number], { kind: ReferenceKind; label: MessageKey }> = {
  craft: { kind: 'crafts', label: 'field.craft' },
  region: { kind: 'regions', label: 'field.region' },
  protectionType: { kind: 'protectionTypes', label: 'field.protectionType' },
  status: { kind: 'statuses', label: 'field.status' },
};
/** The public registry holds only these states (API.md). */
const PUBLIC_STATUSES = ['published', 'opposed', 'registered', 'lapsed'];

export function Filters({ value, onChange }: { value: SearchFilters; onChange: (next: SearchFilters) => void }) {
  const { t } = useI18n();
  const { entries, name } = useReference();
  return (
    <fieldset className="filters">
      <legend>{t('search.filters')}</legend>
      {FILTER_KEYS.map((key) => {
        const { kind, label } = KINDS[key];
        const list = entries(kind).filter((e) => key !== 'status' || PUBLIC_STATUSES.includes(e.code));
        return (
          <SelectField
            key={key}
            label={t(label)}
            name={key}
            value={value[key] ?? ''}
            placeholder={t('search.any')}
            options={list.map((e) => ({ value: e.code, label: name(kind, e.code) }))}
            onChange={(e) => onChange({ ...value, [key]: e.target.value || undefined })}
          />
        );
      })}
    </fieldset>
  );
}
