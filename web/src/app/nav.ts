/**
 * The main navigation: one entry per area. A new page that deserves an entry adds it here
 * (and its route in routes.tsx); labels are catalogue keys under `nav.`.
 */
export interface NavEntry {
  path: string;
  label:
    | 'nav.overview'
    | 'nav.sources'
    | 'nav.connections'
    | 'nav.notifications'
    | 'nav.deliveries'
    | 'nav.customers'
    | 'nav.documents'
    | 'nav.profiles'
    | 'nav.settings';
  /** Active only on exactly this path (the overview at `/`). */
  end?: boolean;
}

export const NAV_ENTRIES: readonly NavEntry[] = [
  { path: '/', label: 'nav.overview', end: true },
  { path: '/sources', label: 'nav.sources' },
  { path: '/connections', label: 'nav.connections' },
  { path: '/notifications', label: 'nav.notifications' },
  { path: '/deliveries', label: 'nav.deliveries' },
  { path: '/customers', label: 'nav.customers' },
  { path: '/documents', label: 'nav.documents' },
  { path: '/profiles', label: 'nav.profiles' },
  { path: '/settings', label: 'nav.settings' },
];
