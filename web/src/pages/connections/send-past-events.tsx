/**
 * "Send past events" (backfill): the days, sources and event types to take, a count of the past
 * events the connection's filters take (a dry run), then the deliveries are created — once per
 * event, marked as backfill in the delivery log, sent after live traffic at a limited pace.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CardSection } from '../../components/card-section.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { CheckboxField } from '../../components/form-field.js';
import { DateTime } from '../../components/formatted.js';
import { eventTypeName } from '../../i18n/event-type-name.js';
import { useFormat } from '../../i18n/use-format.js';
import { DayRangeFields } from '../documents/period-fields.js';
import { useBackfill } from '../deliveries/delivery-queries.js';
import type { BackfillResult } from '../deliveries/delivery-queries.js';
import { rangeIsReversed, startOfDay } from '../notifications/notification-filters.js';
import { useSourcesForFilter } from './connection-queries.js';
import type { EventType } from './connection-types.js';
import { FILTERABLE_EVENT_TYPES } from './event-types.js';

function toggle<T>(list: readonly T[], item: T, on: boolean): T[] {
  return on ? [...list, item] : list.filter((entry) => entry !== item);
}

export function SendPastEvents({
  connectionId,
  active,
}: {
  connectionId: string;
  active: boolean;
}) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const sources = useSourcesForFilter();
  const backfill = useBackfill(connectionId);
  const [days, setDays] = useState({ from: '', to: '' });
  const [sourceIds, setSourceIds] = useState<string[]>([]);
  const [eventTypes, setEventTypes] = useState<EventType[]>([]);
  const [counted, setCounted] = useState<BackfillResult | null>(null);
  const [created, setCreated] = useState<BackfillResult | null>(null);
  const from = startOfDay(days.from);
  const to = startOfDay(days.to, 1);
  const ready = from !== undefined && !rangeIsReversed(days) && active;

  const body = (dryRun: boolean) => ({
    from: from ?? '',
    ...(to === undefined ? {} : { to }),
    sources: sourceIds,
    eventTypes,
    dryRun,
  });
  // Any change to the choice makes the count stale.
  const changed = () => {
    setCounted(null);
    setCreated(null);
    backfill.reset();
  };

  return (
    <CardSection title={t('connections.backfill.title')}>
      <p>{t('connections.backfill.intro')}</p>
      {active ? null : <p className="notice notice-warning">{t('connections.backfill.off')}</p>}
      <div>
        <DayRangeFields
          value={days}
          onChange={(next) => {
            setDays(next);
            changed();
          }}
        />
      </div>
      <fieldset className="schema-choices">
        <legend>{t('connections.backfill.sources')}</legend>
        <p className="field-help">{t('connections.backfill.sourcesHelp')}</p>
        <div className="choices">
          {(sources.data?.data ?? []).map((source) => (
            <CheckboxField
              key={source.id}
              label={source.name}
              checked={sourceIds.includes(source.id)}
              onChange={(on) => {
                setSourceIds(toggle(sourceIds, source.id, on));
                changed();
              }}
            />
          ))}
        </div>
      </fieldset>
      <fieldset className="schema-choices">
        <legend>{t('connections.backfill.eventTypes')}</legend>
        <p className="field-help">{t('connections.backfill.eventTypesHelp')}</p>
        <div className="choices">
          {FILTERABLE_EVENT_TYPES.map((type) => (
            <CheckboxField
              key={type}
              label={eventTypeName(i18n, type)}
              checked={eventTypes.includes(type)}
              onChange={(on) => {
                setEventTypes(toggle(eventTypes, type, on));
                changed();
              }}
            />
          ))}
        </div>
      </fieldset>
      <button
        type="button"
        className="button"
        disabled={!ready || backfill.isPending}
        onClick={() =>
          backfill.mutate(body(true), {
            onSuccess: (result) => {
              setCounted(result);
              setCreated(null);
            },
          })
        }
      >
        {t('connections.backfill.count')}
      </button>
      <div aria-live="polite">
        {counted === null ? null : (
          <p className="notice">
            {counted.matched === 0
              ? t('connections.backfill.none')
              : t('connections.backfill.counted', {
                  count: counted.matched,
                  formatted: format.number(counted.matched),
                  existing: format.number(counted.existing),
                  created: format.number(counted.created),
                })}
          </p>
        )}
        {created === null ? null : (
          <p className="notice notice-success">
            {t('connections.backfill.done', {
              count: created.created,
              formatted: format.number(created.created),
            })}{' '}
            {created.lastDueAt === null ? null : (
              <>
                {t('connections.backfill.lastDue')} <DateTime iso={created.lastDueAt} />
              </>
            )}
          </p>
        )}
      </div>
      {counted !== null && counted.created > 0 && created === null ? (
        <button
          type="button"
          className="button button-primary"
          disabled={backfill.isPending}
          onClick={() =>
            backfill.mutate(body(false), {
              onSuccess: (result) => {
                setCreated(result);
                setCounted(null);
              },
            })
          }
        >
          {t('connections.backfill.start', {
            count: counted.created,
            formatted: format.number(counted.created),
          })}
        </button>
      ) : null}
      {backfill.isError ? <ErrorDisplay error={backfill.error} /> : null}
    </CardSection>
  );
}
