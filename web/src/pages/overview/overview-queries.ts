/** The overview's reads: `GET /overview` over the chart's days, and the connector names. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../api/api-context.js';
import { unwrap } from '../../api/client.js';
import type { AnswerOf } from '../../api/types.js';
import { browserTimeZone, hoursSince, lastDays, startOfDay } from './daily-counts.js';

export type Overview = AnswerOf<'getOverview', 200>;

/** The chart's length: today and the 29 days before it. */
export const OVERVIEW_DAYS = 30;

export interface OverviewWindow {
  timeZone: string;
  /** The chart's days, `YYYY-MM-DD`, oldest first. */
  days: string[];
  /** The first day's midnight, ISO 8601 (where "in the last 30 days" begins). */
  from: string;
  hours: number;
}

/** The window of the page, fixed when it opens (a reload moves it on). */
export function useOverviewWindow(timeZone: string = browserTimeZone()): OverviewWindow {
  const [range] = useState<OverviewWindow>(() => {
    const now = new Date();
    const days = lastDays(now, OVERVIEW_DAYS, timeZone);
    const start = startOfDay(days[0] ?? '', timeZone);
    return { timeZone, days, from: start.toISOString(), hours: hoursSince(start, now) };
  });
  return range;
}

export function useOverview(hours: number) {
  const { client } = useApi();
  return useQuery({
    queryKey: ['overview', { hours }],
    queryFn: () => unwrap(client.GET('/overview', { params: { query: { hours } } })),
  });
}

export function useConnectors() {
  const { client } = useApi();
  return useQuery({
    queryKey: ['connectors'],
    queryFn: () => unwrap(client.GET('/connectors')),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
