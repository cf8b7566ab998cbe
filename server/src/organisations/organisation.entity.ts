import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export const OrganisationKind = {
  PCN: 'PCN',
  GP_PRACTICE: 'GP_PRACTICE',
  PHYSIO_PROVIDER: 'PHYSIO_PROVIDER',
  SPECIALIST_PAIN_SERVICE: 'SPECIALIST_PAIN_SERVICE',
} as const;
export type OrganisationKind = (typeof OrganisationKind)[keyof typeof OrganisationKind];
registerEnumType(OrganisationKind, { name: 'OrganisationKind' });

@ObjectType()
@Entity({ tableName: 'organisation' })
export class Organisation {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String)
  @Property({ type: 'text' })
  name: string;

  @Field(() => OrganisationKind)
  @Enum({ items: () => Object.values(OrganisationKind), type: 'text' })
  kind: OrganisationKind;

  /** The Primary Care Network this organisation works in; null for the PCN itself. */
  @ManyToOne({ entity: () => Organisation, nullable: true, fieldName: 'pcn_id' })
  pcn: Organisation | null;

  constructor(name: string, kind: OrganisationKind, pcn: Organisation | null) {
    this.name = name;
    this.kind = kind;
    this.pcn = pcn;
  }

  /** The PCN this organisation belongs to, or itself when it is one. */
  get pcnId(): string {
    return this.kind === OrganisationKind.PCN ? this.id : (this.pcn?.id ?? this.id);
  }
}
