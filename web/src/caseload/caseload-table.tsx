import type { CaseloadQuery } from '@cairn/schema/operations';
import { For, Show, type JSX } from 'solid-js';
import { statusLabel, statusTone } from '../patients/patient-status.js';
import { formatIsoDate, ukToday } from '../platform/dates.js';
import { Link } from '../platform/router.js';
import { Badge } from '../ui/badge.js';

type CaseloadRow = CaseloadQuery['patients']['nodes'][number];

const columns = ['Name', 'NHS number', 'Age', 'Conditions', 'Status', 'Next review', 'Lead'] as const;

/** The caseload as a table (a card per patient on a phone); each name is a link to the patient's workspace. */
export function CaseloadTable(props: { rows: readonly CaseloadRow[]; caption: string; busy: boolean }): JSX.Element {
  return (
    <div class="table-wrap">
      <table class="caseload-table" aria-busy={props.busy ? 'true' : undefined}>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <For each={columns}>{(c) => <th scope="col">{c}</th>}</For>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(row) => (
              <tr>
                <th scope="row" class="caseload-table__name">
                  <Link href={`/patients/${encodeURIComponent(row.id)}`}>{row.name}</Link>
                </th>
                <td class="nhs-number" data-label="NHS number">{row.nhsNumberFormatted}</td>
                <td data-label="Age">{row.age}</td>
                <td class="caseload-table__conditions" data-label="Conditions">
                  <Show when={row.conditions.length > 0} fallback={<span class="muted">None recorded</span>}>
                    {row.conditions.join(', ')}
                  </Show>
                </td>
                <td data-label="Status">
                  <Badge tone={statusTone(row.status)}>{statusLabel(row.status)}</Badge>
                </td>
                {/* The date and its badge in one span: on a phone the cell is a flex row, which would stretch a loose badge to the date's height. */}
                <td class="nowrap" data-label="Next review">
                  <Show when={row.nextReviewDate} fallback={<span class="muted">Not set</span>}>
                    {(date) => (
                      <span>
                        {formatIsoDate(date())}{' '}
                        <Show when={date() <= ukToday()}>
                          <Badge tone="warning">{date() < ukToday() ? 'Overdue' : 'Due'}</Badge>
                        </Show>
                      </span>
                    )}
                  </Show>
                </td>
                <td data-label="Lead">
                  <Show when={row.lead} fallback={<span class="muted">No lead</span>}>
                    {(lead) => lead().user.name}
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

/** Placeholder rows while the first page loads, the shape of the table to come. */
export function CaseloadSkeleton(): JSX.Element {
  return (
    <div class="table-wrap" aria-hidden="true">
      <table class="caseload-table caseload-table--skeleton">
        <thead>
          <tr>
            <For each={columns}>{(c) => <th scope="col">{c}</th>}</For>
          </tr>
        </thead>
        <tbody>
          <For each={[1, 2, 3, 4, 5, 6]}>
            {() => (
              <tr>
                <For each={columns}>
                  {() => (
                    <td>
                      <span class="skeleton-bar" />
                    </td>
                  )}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
