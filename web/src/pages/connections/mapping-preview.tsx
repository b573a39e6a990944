/**
 * The live preview of a connection's templates and field mappings, rendered by the server for
 * a sample event of a chosen type or for a real recorded event: every template and mapping
 * entry with its value, what the connector would send when it can say (the webhook's body),
 * and what would keep the config from being saved. Nothing is saved or sent to the target.
 * It follows the form as the user types (a moment after the last change).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context.js';
import { unwrap } from '../../api/client.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { RawText } from '../../components/raw-text.js';
import { SelectField } from '../../components/form-field.js';
import { Loading } from '../../components/states.js';
import { useFormat } from '../../i18n/use-format.js';
import type { JsonObject } from '../../schema-form/json-schema.js';
import type { ConfigPreview, EventType, PreviewChoice } from './connection-types.js';
import { eventTypeName } from '../../i18n/event-type-name.js';
import { EVENT_TYPES } from './event-types.js';

/** How long the preview waits after the last change before asking the server. */
const SETTLE_MS = 400;

function useSettled<T>(value: T): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [value]);
  return settled;
}

export type PreviewTarget = { connector: string } | { connectionId: string };

export interface MappingPreviewProps {
  target: PreviewTarget;
  /** A new connection's config, or a saved one's unsaved changes as a patch. */
  config: JsonObject;
  /** The label of a config field by its path (`mapping.email`). */
  fieldLabel(path: string): string;
}

type Choice = { kind: 'sample'; type: EventType } | { kind: 'recorded'; eventId: string };

function choiceBody(choice: Choice): PreviewChoice {
  return choice.kind === 'sample' ? { sampleEventType: choice.type } : { eventId: choice.eventId };
}

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function MappingPreview({ target, config, fieldLabel }: MappingPreviewProps) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const { client } = useApi();
  const [choice, setChoice] = useState<Choice>({ kind: 'sample', type: 'payment' });
  const settledConfig = useSettled(JSON.stringify(config));
  const recent = useQuery({
    queryKey: ['events', 'recent-for-preview'],
    queryFn: () => unwrap(client.GET('/events', { params: { query: { limit: 25 } } })),
    enabled: choice.kind === 'recorded',
  });
  // "Recorded event" starts with the newest one.
  const effective: Choice =
    choice.kind === 'recorded' && choice.eventId === ''
      ? { kind: 'recorded', eventId: recent.data?.data[0]?.id ?? '' }
      : choice;
  const runnable = effective.kind === 'sample' || effective.eventId !== '';
  const preview = useQuery({
    queryKey: ['preview', target, settledConfig, effective],
    queryFn: (): Promise<ConfigPreview> => {
      const body = { config: JSON.parse(settledConfig) as JsonObject, ...choiceBody(effective) };
      return 'connector' in target
        ? unwrap(
            client.POST('/connectors/{connector}/preview', {
              params: { path: { connector: target.connector } },
              body,
            }),
          )
        : unwrap(
            client.POST('/connections/{id}/preview', {
              params: { path: { id: target.connectionId } },
              body,
            }),
          );
    },
    placeholderData: keepPreviousData,
    enabled: runnable,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const data = preview.data;

  return (
    <section
      className="form-section mapping-preview"
      aria-labelledby="preview-title"
      aria-busy={preview.isFetching}
    >
      <h2 id="preview-title">{t('connections.preview.title')}</h2>
      <p className="field-help">{t('connections.preview.intro')}</p>
      <div className="preview-controls">
        <SelectField
          label={t('connections.preview.renderWith')}
          value={choice.kind}
          options={[
            { value: 'sample', label: t('connections.preview.sample') },
            { value: 'recorded', label: t('connections.preview.recorded') },
          ]}
          onChange={(kind) =>
            setChoice(
              kind === 'sample'
                ? { kind: 'sample', type: 'payment' }
                : { kind: 'recorded', eventId: '' },
            )
          }
        />
        {effective.kind === 'sample' ? (
          <SelectField
            label={t('connections.preview.sampleType')}
            value={effective.type}
            options={EVENT_TYPES.map((type) => ({ value: type, label: eventTypeName(i18n, type) }))}
            onChange={(type) => setChoice({ kind: 'sample', type: type as EventType })}
          />
        ) : recent.data && recent.data.data.length > 0 ? (
          <SelectField
            label={t('connections.preview.recordedEvent')}
            value={effective.eventId}
            options={recent.data.data.map((event) => ({
              value: event.id,
              label: t('connections.preview.eventOption', {
                type: eventTypeName(i18n, event.type),
                order: event.orderId ?? '—',
                email: event.email ?? '—',
                date: format.dateTime(event.receivedAt),
              }),
            }))}
            onChange={(eventId) => setChoice({ kind: 'recorded', eventId })}
          />
        ) : recent.isPending ? (
          <Loading />
        ) : (
          <p className="muted">{t('connections.preview.noRecordedEvents')}</p>
        )}
      </div>
      {recent.isError ? <ErrorDisplay error={recent.error} /> : null}
      {preview.isError ? (
        <ErrorDisplay error={preview.error} onRetry={() => void preview.refetch()} />
      ) : null}
      {preview.isPending && runnable ? (
        <Loading label={t('connections.preview.rendering')} />
      ) : null}
      {data ? (
        <>
          <p className="muted">
            {data.event.sample
              ? t('connections.preview.renderedSample', {
                  type: eventTypeName(i18n, data.event.type),
                })
              : t('connections.preview.renderedRecorded', {
                  type: eventTypeName(i18n, data.event.type),
                  id: data.event.id,
                })}
          </p>
          <DataTable
            caption={t('connections.preview.fieldsCaption')}
            columns={[
              {
                key: 'field',
                header: t('connections.preview.field'),
                cell: (row) => fieldLabel(row.field),
              },
              {
                key: 'source',
                header: t('connections.preview.configured'),
                cell: (row) => (
                  <code dir="ltr" className="preview-code">
                    {row.source}
                  </code>
                ),
              },
              {
                key: 'value',
                header: t('connections.preview.value'),
                cell: (row) =>
                  shown(row.value) === '' ? (
                    <span className="muted">{t('connections.preview.empty')}</span>
                  ) : (
                    <code dir="ltr" className="preview-code">
                      {shown(row.value)}
                    </code>
                  ),
              },
            ]}
            rows={data.fields}
            rowKey={(row) => row.field}
            empty={<p className="muted">{t('connections.preview.noFields')}</p>}
          />
          {data.output ? (
            <>
              <h3>{t('connections.preview.output')}</h3>
              <RawText
                label={t('connections.preview.output')}
                text={JSON.stringify(data.output, null, 2)}
              />
            </>
          ) : null}
          {data.problems.length > 0 ? (
            <div className="notice notice-warning">
              <p>{t('connections.preview.problems')}</p>
              <ul>
                {data.problems.map((problem) => (
                  <li key={`${problem.path}: ${problem.problem}`}>
                    <strong>
                      {problem.path === '(root)'
                        ? t('connections.form.configTitle')
                        : fieldLabel(problem.path)}
                    </strong>
                    : {problem.problem}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
