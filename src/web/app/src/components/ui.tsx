import { useId, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { isRetryable } from '../api/client';

/** Small building blocks every page uses: labelled fields, toggles, copy boxes, notices. */

/** A labelled input; `error` marks it invalid and says why, next to it. */
export function Field(
  props: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string; error?: string | undefined },
) {
  const { label, hint, error, ...input } = props;
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-describedby={described === '' ? undefined : described}
        aria-invalid={error ? true : undefined}
        {...input}
      />
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error">
          {error}
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

/**
 * A button for a change that cannot be undone: the first press asks, in the page, and only "Yes"
 * does it. An inline question rather than window.confirm, so it reads like the rest of the page.
 */
export function ConfirmButton(props: {
  label: string;
  question: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
  'aria-label'?: string;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button
        type="button"
        className={props.className ?? 'danger small'}
        disabled={props.disabled}
        aria-label={props['aria-label']}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  return (
    <div className="confirm" role="group" aria-label={props['aria-label'] ?? props.label}>
      <p>{props.question}</p>
      <button
        type="button"
        className="danger"
        disabled={props.disabled}
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        Keep it
      </button>
    </div>
  );
}

/** Says once, at the top of a page of settings, why there is nothing to press. */
export function ReadOnlyNotice(props: { role: string }) {
  return (
    <Notice>
      You are signed in with the {props.role} role: you can look at everything here, and an Admin can change
      it.
    </Notice>
  );
}

/**
 * An error in words the reader can act on. With `onRetry` (a list or page that failed to load),
 * an error that may pass (Roster unreachable, or failing on its side) offers "Try again".
 */
export function ErrorNotice(props: { error: Error | undefined; onRetry?: (() => void) | undefined }) {
  const { error, onRetry } = props;
  if (!error) return null;
  return (
    <Notice kind="error">
      {error.message}
      {onRetry && isRetryable(error) && (
        <>
          {' '}
          <button type="button" className="small" onClick={onRetry}>
            Try again
          </button>
        </>
      )}
    </Notice>
  );
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

/**
 * A calendar date (a secret's expiry day, `2027-03-15`) as that day and no time. It is read and
 * shown in UTC: in the reader's zone, midnight UTC is the day before anywhere west of Greenwich.
 */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(undefined, {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 error", "2 errors", "1,204 users": a count with its noun, singular only for one. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : nouns}`;
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
