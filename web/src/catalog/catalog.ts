// Grouping, search and sample bodies for the event catalog, apart from React.

export interface CatalogType {
  id: string;
  name: string;
  description: string;
  application?: string | null;
  archived: boolean;
  sample?: unknown;
}

export interface CatalogGroup<T extends CatalogType> {
  // The application, else the name's prefix before its first '.', else null
  // (shown as "Other").
  key: string | null;
  types: T[];
}

export function groupKey(t: CatalogType): string | null {
  const app = t.application?.trim();
  if (app) return app;
  const dot = t.name.indexOf('.');
  return dot > 0 ? t.name.slice(0, dot) : null;
}

// Case- and accent-insensitive, so "notificacao" finds "notificação".
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

export function matches(t: CatalogType, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const hay = fold(`${t.name} ${t.description} ${t.application ?? ''}`);
  return words.every((w) => hay.includes(w));
}

export function groupTypes<T extends CatalogType>(types: T[], query: string, showArchived: boolean): CatalogGroup<T>[] {
  const groups = new Map<string | null, T[]>();
  for (const t of types) {
    if (t.archived && !showArchived) continue;
    if (!matches(t, query)) continue;
    const k = groupKey(t);
    const list = groups.get(k) ?? [];
    list.push(t);
    groups.set(k, list);
  }
  return [...groups.entries()]
    .map(([key, list]) => ({ key, types: list.sort((a, b) => a.name.localeCompare(b.name)) }))
    .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key.localeCompare(b.key)));
}

// What a receiver gets for this type, in DESIGN.md's wire format; the id and
// time are examples. data is the type's sample when the catalog has one.
export function sampleBody(name: string, data: unknown = {}): string {
  return JSON.stringify(
    { id: 'evt_01JCY3Z5N8Q4W5E6R7T8Y9U0AB', event: name, data: data ?? {}, sentDate: '2026-11-04T18:34:23.023Z' },
    null,
    2,
  );
}
