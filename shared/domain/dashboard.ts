/**
 * A custom dashboard (Mackerel API §10): widgets on a 24-column grid. Stored as sent, less the
 * `null`s Go clients put in unset sub-objects, so `mkr dashboards pull` gets back what `push` sent.
 */
export interface Dashboard {
  id: string;
  title: string;
  urlPath: string;
  memo: string;
  createdAt: number;
  updatedAt: number;
  widgets: Record<string, unknown>[];
}

/** A dashboard in the list: everything but its widgets. */
export const listed = ({ widgets: _w, ...rest }: Dashboard): Omit<Dashboard, 'widgets'> => rest;

/** Drops `null` and `undefined` members, deeply (arrays keep their length). */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, withoutNulls(v)]),
    ) as T;
  return value;
}
