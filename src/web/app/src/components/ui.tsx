import { useId, useState, type InputHTMLAttributes, type ReactNode } from 'react';

/** Small building blocks every page uses: labelled fields, toggles, copy boxes, notices. */

export function Field(props: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string }) {
  const { label, hint, ...input } = props;
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

/** A list page's search box; `onChange` gets the text as typed. */
export function SearchField(props: {
  value: string;
  placeholder: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field
      label="Search"
      type="search"
      value={props.value}
      placeholder={props.placeholder}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

export function Select(props: {
  label: string;
  value: string;
  options: readonly (readonly [value: string, text: string])[];
  onChange: (value: string) => void;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A switch that is a real checkbox underneath, so keyboards and screen readers know it. */
export function Toggle(props: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="toggle">
      <input
        id={id}
        type="checkbox"
        role="switch"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <label htmlFor={id}>
        {props.label}
        {props.hint && <small className="hint">{props.hint}</small>}
      </label>
    </div>
  );
}

/** A read-only value with a copy button (Tenant URL, token, redirect URIs). */
export function CopyField(props: { label: string; value: string; secret?: boolean }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(props.value).catch(() => undefined);
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  };
  return (
    <div className="field copy">
      <label htmlFor={id}>{props.label}</label>
      <div className="copy-row">
        <input
          id={id}
          readOnly
          value={props.value}
          className={props.secret ? 'mono secret' : 'mono'}
          onFocus={(e) => e.target.select()}
        />
        <button type="button" onClick={() => void copy()} aria-label={`Copy ${props.label}`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}

export function Notice(props: { kind?: 'error' | 'info' | 'warning' | 'success'; children: ReactNode }) {
  const kind = props.kind ?? 'info';
  return (
    <div className={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

export function ErrorNotice(props: { error: Error | undefined }) {
  return props.error ? <Notice kind="error">{props.error.message}</Notice> : null;
}

export function Badge(props: { value: string }) {
  return (
    <span className={`badge badge-${props.value.toLowerCase().replace(/[^a-z]/g, '-')}`}>{props.value}</span>
  );
}

export function Loading() {
  return (
    <p className="muted" aria-live="polite">
      Loading…
    </p>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString();
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Cursor paging: "Next" follows the server's cursor, "Previous" pops the cursors we came through.
 * Offsets would get slower with every page at 100,000 users; a cursor costs the same on any page.
 */
export function Pager(props: {
  hasPrevious: boolean;
  nextCursor: string | null | undefined;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
  label: string;
}) {
  const next = props.nextCursor;
  return (
    <nav className="pager" aria-label={`${props.label} pages`}>
      <button type="button" disabled={!props.hasPrevious} onClick={props.onPrevious}>
        ← Previous
      </button>
      <button type="button" disabled={!next} onClick={() => next && props.onNext(next)}>
        Next →
      </button>
    </nav>
  );
}
