import type { AdminOrganisationsQuery } from '@cairn/schema/operations';
import { createMemo, createSignal, Show, type JSX } from 'solid-js';
import { Select } from '../ui/select.js';
import { TextField } from '../ui/text-field.js';

type Organisation = AdminOrganisationsQuery['organisations'][number];

/** Options a select offers at once: past this, a find box narrows them (a service has thousands of practices). */
export const ORGANISATIONS_OFFERED = 50;

/**
 * Organisations whose name, or whose PCN's, contains `find` (any case), all of them when it is blank: those
 * named so first (a name that begins so before one that contains it), then those whose PCN is, each in the
 * order given. Typing a PCN's name finds the PCN itself before its practices.
 */
export function matchingOrganisations(organisations: readonly Organisation[], find: string): readonly Organisation[] {
  const words = find.trim().toLowerCase();
  if (!words) return organisations;
  const rank = (o: Organisation): number => {
    const name = o.name.toLowerCase();
    if (name.startsWith(words)) return 0;
    if (name.includes(words)) return 1;
    return o.pcn?.name.toLowerCase().includes(words) ? 2 : 3;
  };
  const ranked = organisations.map((o) => ({ o, rank: rank(o) })).filter((r) => r.rank < 3);
  // Array.prototype.sort is stable: within a rank, the given order stays.
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.o);
}

/**
 * Chooses one organisation. Up to 50 it is a plain select; beyond, a find box (by its name or its PCN's)
 * narrows the select to the first 50 matches, and the one chosen stays offered whatever is typed.
 */
export function OrganisationSelect(props: {
  label: string;
  organisations: readonly Organisation[];
  value: string;
  onChange(id: string): void;
  /** The first option, choosing none: "Any organisation", "Choose…". */
  noneLabel: string;
  optionLabel?(o: Organisation): string;
  error?: string | undefined;
}): JSX.Element {
  const [find, setFind] = createSignal('');
  const many = () => props.organisations.length > ORGANISATIONS_OFFERED;
  const matching = createMemo(() => matchingOrganisations(props.organisations, find()));
  const offered = createMemo(() => {
    const shown = matching().slice(0, ORGANISATIONS_OFFERED);
    const chosen = props.organisations.find((o) => o.id === props.value);
    return chosen && !shown.includes(chosen) ? [chosen, ...shown] : shown;
  });
  const label = (o: Organisation) => props.optionLabel?.(o) ?? o.name;
  const hint = () => {
    const found = matching().length;
    if (!find().trim()) return `${ORGANISATIONS_OFFERED} of ${props.organisations.length} offered: type part of a name to find the rest.`;
    if (found === 0) return 'No organisation has that in its name or its PCN’s.';
    return found > ORGANISATIONS_OFFERED ? `${ORGANISATIONS_OFFERED} of ${found} matches offered: type more of the name.` : `${found} ${found === 1 ? 'match' : 'matches'} offered.`;
  };
  return (
    <>
      <Show when={many()}>
        <TextField label={`Find ${props.label.toLowerCase()}`} type="search" value={find()} onInput={setFind} hint={hint()} hintLive autocomplete="off" />
      </Show>
      <Select
        label={props.label}
        value={props.value}
        onChange={props.onChange}
        error={props.error}
        options={[{ value: '', label: props.noneLabel }, ...(many() ? offered() : props.organisations).map((o) => ({ value: o.id, label: label(o) }))]}
      />
    </>
  );
}
