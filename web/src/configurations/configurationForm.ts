// Pure helpers of the configuration form: retry presets, schedule parsing,
// event-type grouping and which headers to send back.

// Ferry's default (DESIGN.md, about 48 h), Stift's exponential 1/2/4 s, and
// Stigg's "3 retries without backoff, then 3 every 30 s" (Ferry's delays are at least 1 s).
export const retryPresets = {
  ferry: [5, 30, 120, 600, 1800, 3600, 10800, 21600, 43200, 86400],
  stift: [1, 2, 4],
  stigg: [1, 1, 1, 30, 30, 30],
} as const;

export type RetryPreset = keyof typeof retryPresets;

export const maxRetries = 20;
export const maxDelaySeconds = 86400;

export function formatSchedule(delays: readonly number[]): string {
  return delays.join(', ');
}

export function presetOf(text: string): RetryPreset | 'custom' {
  const parsed = parseSchedule(text);
  if (!parsed.ok) return 'custom';
  for (const [name, delays] of Object.entries(retryPresets)) {
    if (delays.length === parsed.delays.length && delays.every((d, i) => d === parsed.delays[i])) return name as RetryPreset;
  }
  return 'custom';
}

export type ScheduleProblem = 'notNumber' | 'tooMany' | 'outOfRange';

// "5, 30, 120" → [5, 30, 120]; an empty list means no retries.
export function parseSchedule(text: string): { ok: true; delays: number[] } | { ok: false; problem: ScheduleProblem } {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const delays: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return { ok: false, problem: 'notNumber' };
    const n = Number(p);
    if (n < 1 || n > maxDelaySeconds) return { ok: false, problem: 'outOfRange' };
    delays.push(n);
  }
  if (delays.length > maxRetries) return { ok: false, problem: 'tooMany' };
  return { ok: true, delays };
}

// Seconds as the largest whole-ish unit: 45 s, 2 min, 1.5 h, 2 d.
export function roughDuration(seconds: number): { value: number; unit: 's' | 'min' | 'h' | 'd' } {
  const round = (n: number) => Math.round(n * 10) / 10;
  if (seconds < 60) return { value: seconds, unit: 's' };
  if (seconds < 3600) return { value: round(seconds / 60), unit: 'min' };
  if (seconds < 86400 * 2) return { value: round(seconds / 3600), unit: 'h' };
  return { value: round(seconds / 86400), unit: 'd' };
}

export type EventTypeChoice = { name: string; description: string; application?: string | null };

// The group of an event type: the part of its name before the first ".",
// else its application, else "" (shown as "Other").
export function eventTypeGroup(t: EventTypeChoice): string {
  const dot = t.name.indexOf('.');
  if (dot > 0) return t.name.slice(0, dot);
  return t.application ?? '';
}

export function groupEventTypes(types: EventTypeChoice[]): { group: string; types: EventTypeChoice[] }[] {
  const groups = new Map<string, EventTypeChoice[]>();
  for (const t of types) {
    const g = eventTypeGroup(t);
    groups.set(g, [...(groups.get(g) ?? []), t]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
    .map(([group, ts]) => ({ group, types: [...ts].sort((a, b) => a.name.localeCompare(b.name)) }));
}

// One header row of the form. On edit the API shows stored values only
// redacted ("••••abcd"): such a row keeps `redacted` and an empty value,
// meaning "unchanged".
export type HeaderRow = { name: string; value: string; redacted?: string; originalName?: string };

export function headerRowsFrom(stored: Record<string, string> | null | undefined): HeaderRow[] {
  return Object.entries(stored ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, redacted]) => ({ name, value: '', redacted, originalName: name }));
}

function blank(r: HeaderRow) {
  return r.name.trim() === '' && r.value === '' && !r.redacted;
}

// Whether the rows differ from what was loaded: a new, removed or renamed row, or a typed value.
export function headersChanged(rows: HeaderRow[], initial: HeaderRow[]): boolean {
  const kept = rows.filter((r) => !blank(r));
  if (kept.length !== initial.length) return true;
  return kept.some((r, i) => r.value !== '' || r.name.trim() !== initial[i].name || r.redacted !== initial[i].redacted);
}

// The map updateConfiguration replaces the stored one with: an unchanged row
// sends back its redacted value, which the API reads as "keep what is stored".
export function headersToSend(rows: HeaderRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) {
    if (blank(r)) continue;
    out[r.name.trim()] = r.value === '' && r.redacted ? r.redacted : r.value;
  }
  return out;
}

// A renamed row cannot keep its value: the API keeps a stored value only under its own name.
export function headerRowProblem(r: HeaderRow): 'nameRequired' | 'valueRequired' | 'renamedNeedsValue' | undefined {
  if (blank(r)) return undefined;
  if (r.name.trim() === '') return 'nameRequired';
  if (r.value === '' && !r.redacted) return 'valueRequired';
  if (r.value === '' && r.redacted && r.originalName !== r.name.trim()) return 'renamedNeedsValue';
  return undefined;
}

// BAD_USER_INPUT fields may name an element ("retrySchedule[2]", "headers.X-Key"):
// the form shows them at the field itself.
export function baseField(field: string): string {
  return field.replace(/^input\./, '').split(/[.[]/)[0];
}
