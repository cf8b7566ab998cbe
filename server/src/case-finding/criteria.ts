import { badInput } from '../platform/errors.js';
import type { Sql } from '../platform/sql.js';
import type { CaseCriterionInput } from './case-finding.types.js';

/** A parsed criterion: a kind and its typed settings, stored as JSON with the search. */
export interface Criterion {
  kind: string;
}

/** What a criterion's SQL may refer to: today in the UK (YYYY-MM-DD). */
export interface CriterionScope {
  today: string;
}

/** The generic shape every criterion is written in on the API (GraphQL has no input unions). */
export type CriterionFields = Pick<CaseCriterionInput, 'values' | 'min' | 'max' | 'date'>;

/**
 * One kind of case-finding criterion: how to read it from the API's generic shape (refusing what it cannot
 * use), the predicate it adds over `patient p` (its practice is `po`) as `sql`, and how it reads in words.
 * A new criterion (the analgesia review's opioid dose, say) is one more definition in the registry; the
 * search itself never changes.
 */
export interface CriterionDefinition<C extends Criterion = Criterion> {
  kind: C['kind'];
  label: string;
  /** Which of the generic fields it reads, and what each means, for forms and the API's documentation. */
  fields: Partial<Record<keyof CriterionFields, string>>;
  parse(input: CriterionFields): C;
  toSql(criterion: C, scope: CriterionScope): Sql;
  toFields(criterion: C): CriterionFields;
  describe(criterion: C): string;
}

/** The criteria a search can use, by kind. */
export class CriterionRegistry {
  private readonly definitions = new Map<string, CriterionDefinition>();

  register<C extends Criterion>(definition: CriterionDefinition<C>): this {
    if (this.definitions.has(definition.kind)) throw new Error(`A case-finding criterion ${definition.kind} is already registered`);
    this.definitions.set(definition.kind, definition as unknown as CriterionDefinition);
    return this;
  }

  all(): CriterionDefinition[] {
    return [...this.definitions.values()];
  }

  /** The definition of a stored or requested kind; BAD_USER_INPUT for one this instance does not know. */
  get(kind: string): CriterionDefinition {
    const found = this.definitions.get(kind);
    if (!found) throw badInput('criteria', `Unknown criterion "${kind}". Known: ${[...this.definitions.keys()].join(', ')}.`);
    return found;
  }

  /** Reads a search's criteria from the API; each kind at most once. */
  parseAll(inputs: CaseCriterionInput[]): Criterion[] {
    if (inputs.length > 10) throw badInput('criteria', 'A search has at most 10 criteria.');
    const kinds = inputs.map((i) => i.kind);
    const repeated = kinds.find((k, i) => kinds.indexOf(k) !== i);
    if (repeated) throw badInput('criteria', `Use the criterion "${this.get(repeated).label}" once.`);
    return inputs.map((i) => this.get(i.kind).parse({ values: i.values ?? [], min: i.min ?? null, max: i.max ?? null, date: i.date ?? null }));
  }
}
