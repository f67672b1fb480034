import { useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/i18n';
import { suggest } from '../api/registry';

/**
 * The word search, with completions as one types (a combobox: arrows move, Enter picks, Escape
 * closes). Completions are a help, never a requirement: a weak network just means none show.
 */
export function SearchBox({ initial = '', onSearch }: { initial?: string; onSearch: (q: string) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [q, setQ] = useState(initial);
  const [options, setOptions] = useState<string[]>([]);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);

  useEffect(() => setQ(initial), [initial]);

  useEffect(() => {
    if (!open || q.trim().length < 2) return setOptions([]);
    const controller = new AbortController();
    const timer = setTimeout(() => {
      suggest(q.trim(), controller.signal).then(
        (list) => setOptions(list.slice(0, 10)),
        () => setOptions([]),
      );
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q, open]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = active >= 0 && options[active] ? options[active] : q;
    setOpen(false);
    onSearch(value.trim());
  };
  const showList = open && options.length > 0;

  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <label htmlFor={`${id}-q`} className="visually-hidden">
        {t('search.label')}
      </label>
      <input
        id={`${id}-q`}
        type="search"
        name="q"
        value={q}
        placeholder={t('search.placeholder')}
        autoComplete="off"
        role="combobox"
        aria-expanded={showList}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={active >= 0 ? `${id}-opt-${active}` : undefined}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((a) => Math.min(options.length - 1, a + 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(-1, a - 1));
          else if (e.key === 'Escape') setOpen(false);
        }}
      />
      <button type="submit" className="button">
        {t('search.submit')}
      </button>
      <ul id={`${id}-list`} role="listbox" className="suggestions" hidden={!showList} aria-label={t('search.suggestions')}>
        {options.map((o, i) => (
          <li
            key={o}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            dir="auto"
            onMouseDown={(e) => {
              e.preventDefault();
              setQ(o);
              setOpen(false);
              onSearch(o);
            }}
          >
            {o}
          </li>
        ))}
      </ul>
    </form>
  );
}
