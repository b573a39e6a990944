/**
 * A stacked bar chart of days, drawn as SVG by React (docs/architecture.md, "Charts", says why
 * no chart library). For assistive technology the picture is one image with a title and a
 * summary; the numbers themselves are in the table the page shows with it. Colours come from
 * CSS classes (`series.className`), never from inline styles (the CSP has no 'unsafe-inline').
 *
 * Time runs in the reading direction: in a right-to-left language the oldest day is on the
 * right and the axis labels stand on the right side.
 */
import { useId } from 'react';
import type { DayCounts } from './daily-counts.js';

export interface ChartSeries {
  key: string;
  label: string;
  /** Fills the series' bars (see overview.css). */
  className: string;
}

export interface StackedBarChartProps {
  title: string;
  /** What the chart says in a sentence or two, for people who cannot see it. */
  summary: string;
  days: readonly DayCounts[];
  /** Bottom to top. */
  series: readonly ChartSeries[];
  /** The short label under a day (`14 May`). */
  dayLabel(day: string): string;
  /** The tooltip of a day's bar, e.g. "14 May: 12 accepted, 1 rejected". */
  dayTitle(day: DayCounts): string;
  formatNumber(value: number): string;
  rtl: boolean;
  /** A click on a day's bar (pointer only; the table's links do the same from the keyboard). */
  onSelectDay?: (day: DayCounts) => void;
}

const WIDTH = 960;
const HEIGHT = 260;
const AXIS = 48;
/** Room at the end of the time axis for the last day's label. */
const END = 24;
const TOP = 12;
const BOTTOM = 30;
const MAX_LABELS = 6;

/** The smallest of 1, 2, 5 × 10ⁿ steps that covers `max` in at most four steps. */
export function niceScale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  let magnitude = 10 ** Math.floor(Math.log10(max / 4));
  for (;;) {
    for (const factor of [1, 2, 5]) {
      const step = Math.max(1, factor * magnitude);
      if (step * 4 >= max) return { top: Math.ceil(max / step) * step, step };
    }
    magnitude *= 10;
  }
}

export function StackedBarChart({
  title,
  summary,
  days,
  series,
  dayLabel,
  dayTitle,
  formatNumber,
  rtl,
  onSelectDay,
}: StackedBarChartProps) {
  const titleId = useId();
  const descId = useId();
  const { top, step } = niceScale(Math.max(0, ...days.map((day) => day.total)));
  const plotWidth = WIDTH - AXIS - END;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(2, slot * 0.7);
  const plotStart = rtl ? END : AXIS;
  const slotStart = (index: number): number =>
    plotStart + (rtl ? days.length - 1 - index : index) * slot;
  const y = (value: number): number => TOP + plotHeight - (value / top) * plotHeight;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step);
  const labelEvery = Math.max(1, Math.ceil(days.length / MAX_LABELS));
  const axisX = rtl ? WIDTH - AXIS + 6 : AXIS - 6;

  return (
    <svg
      className="chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-labelledby={titleId}
      aria-describedby={descId}
    >
      <title id={titleId}>{title}</title>
      <desc id={descId}>{summary}</desc>
      {ticks.map((tick) => (
        <g key={tick} className="chart-grid">
          <line x1={plotStart} x2={plotStart + plotWidth} y1={y(tick)} y2={y(tick)} />
          <text x={axisX} y={y(tick)} textAnchor={rtl ? 'start' : 'end'} dominantBaseline="middle">
            {formatNumber(tick)}
          </text>
        </g>
      ))}
      {days.map((day, index) => {
        let base = 0;
        const x = slotStart(index) + (slot - barWidth) / 2;
        const labelled = (days.length - 1 - index) % labelEvery === 0;
        return (
          // biome-ignore lint/a11y/noStaticElementInteractions: a pointer shortcut only; the table beside the chart has the same links for the keyboard
          <g
            key={day.day}
            className={onSelectDay ? 'chart-day chart-day-link' : 'chart-day'}
            onClick={onSelectDay ? () => onSelectDay(day) : undefined}
          >
            <title>{dayTitle(day)}</title>
            {/* The whole column takes the pointer, so a day without notifications is a target too. */}
            <rect
              className="chart-hit"
              x={slotStart(index)}
              y={TOP}
              width={slot}
              height={plotHeight}
            />
            {series.map((entry) => {
              const count = day.counts[entry.key] ?? 0;
              if (count === 0) return null;
              const rect = (
                <rect
                  key={entry.key}
                  className={entry.className}
                  x={x}
                  y={y(base + count)}
                  width={barWidth}
                  height={y(base) - y(base + count)}
                />
              );
              base += count;
              return rect;
            })}
            {labelled ? (
              <text
                className="chart-label"
                x={slotStart(index) + slot / 2}
                y={HEIGHT - 8}
                textAnchor="middle"
              >
                {dayLabel(day.day)}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
