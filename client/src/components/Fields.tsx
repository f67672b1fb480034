/** Labelled form controls: every control has a visible label, its hint and error tied to it. */
import { useId, type ComponentProps, type ReactNode } from 'react';

interface Common {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
}

function describedBy(id: string, hint?: ReactNode, error?: string) {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

function Wrap({ id, label, hint, error, children, required }: Common & { id: string; children: ReactNode; required?: boolean }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

export function TextField({ label, hint, error, ...input }: Common & ComponentProps<'input'>) {
  const auto = useId();
  const id = input.id ?? auto;
  return (
    <Wrap id={id} label={label} hint={hint} error={error} required={input.required}>
      <input {...input} id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} />
    </Wrap>
  );
}

export function TextAreaField({ label, hint, error, ...input }: Common & ComponentProps<'textarea'>) {
  const auto = useId();
  const id = input.id ?? auto;
  return (
    <Wrap id={id} label={label} hint={hint} error={error} required={input.required}>
      <textarea {...input} id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} />
    </Wrap>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField({ label, hint, error, options, placeholder, ...select }: Common & ComponentProps<'select'> & { options: Option[]; placeholder?: string }) {
  const auto = useId();
  const id = select.id ?? auto;
  return (
    <Wrap id={id} label={label} hint={hint} error={error} required={select.required}>
      <select {...select} id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Wrap>
  );
}
