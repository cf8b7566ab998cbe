import { StopMedicationDocument, type PatientMedicationQuery } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createSignal, Show, type JSX } from 'solid-js';
import { formatIsoDate } from '../platform/dates.js';
import { describeError } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';

type Flag = PatientMedicationQuery['patientMedication']['flags'][number];
export type StepToRecord = NonNullable<Flag['stepToRecord']>;
export type StartToRecord = NonNullable<Flag['startToRecord']>;

/**
 * What records a begun step of an approved plan that the list does not show yet (PLAN_AHEAD_OF_LIST): a new
 * dose opens "Change dose" from the step, a start opens "Record a medicine" from it, and a stop is recorded
 * at once, on the day the step began, with the plan named as its reason.
 */
export function PlanFlagActions(props: {
  flag: Flag;
  /** The medicine's name, for a start (the flag names it by code). */
  medicineName(code: string): string;
  /** The listed medicine's name, for a stop (the flag names it by its id on the list). */
  listedName(medicationId: string): string;
  onNewDose(step: StepToRecord): void;
  onStart(start: StartToRecord): void;
  onStopped(): void;
}): JSX.Element {
  const [stopping, stop] = createMutation(StopMedicationDocument);
  const [problem, setProblem] = createSignal<string | null>(null);
  const recordStop = async (s: NonNullable<Flag['stopToRecord']>) => {
    const r = await stop({ input: { medicationId: s.medicationId, stopDate: s.stopDate, reason: s.reason } });
    if (r.error) return setProblem(describeError(r.error).message);
    setProblem(null);
    props.onStopped();
  };
  return (
    <>
      <Show when={props.flag.stepToRecord}>
        {(step) => (
          <span>
            <Button variant="secondary" onClick={() => props.onNewDose(step())}>
              Record this step's dose
            </Button>
          </span>
        )}
      </Show>
      <Show when={props.flag.stopToRecord}>
        {(s) => (
          <span>
            <Button variant="secondary" busy={stopping.fetching} onClick={() => void recordStop(s())}>
              Record {props.listedName(s().medicationId)} stopped from {formatIsoDate(s().stopDate)}
            </Button>
          </span>
        )}
      </Show>
      <Show when={props.flag.startToRecord}>
        {(s) => (
          <span>
            <Button variant="secondary" onClick={() => props.onStart(s())}>
              Record {props.medicineName(s().medicineCode)} from {formatIsoDate(s().startDate)}
            </Button>
          </span>
        )}
      </Show>
      <Show when={problem()}>
        <Alert tone="error">{problem()}</Alert>
      </Show>
    </>
  );
}
