import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Patient, PatientStatus } from './patient.entity.js';

export const PatientSort = { NAME: 'NAME', NEWEST: 'NEWEST', DATE_OF_BIRTH: 'DATE_OF_BIRTH', REVIEW_DATE: 'REVIEW_DATE' } as const;
export type PatientSort = (typeof PatientSort)[keyof typeof PatientSort];
registerEnumType(PatientSort, { name: 'PatientSort', valuesConfig: { REVIEW_DATE: { description: "The care plan's next review date, most overdue first; patients with none last." } } });

@InputType()
export class PatientFilter {
  @Field(() => String, { nullable: true, description: 'Part of a name, or an NHS number (spaces allowed).' })
  search?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only patients whose care team I am on.' })
  mine?: boolean | null;

  @Field(() => String, { nullable: true })
  condition?: string | null;

  @Field(() => PatientStatus, { nullable: true })
  status?: PatientStatus | null;

  @Field(() => ID, { nullable: true })
  practiceId?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Only patients not discharged whose care plan's next review date is today or has passed." })
  reviewDue?: boolean | null;
}

@ObjectType()
export class PageInfo {
  @Field(() => String, { nullable: true }) endCursor!: string | null;
  @Field(() => Boolean) hasNextPage!: boolean;
}

@ObjectType()
export class PatientConnection {
  @Field(() => [Patient]) nodes!: Patient[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'Patients matching the filter, across all pages.' }) totalCount!: number;
}

@InputType()
export class CreatePatientInput {
  @Field(() => String) nhsNumber!: string;
  @Field(() => String) givenName!: string;
  @Field(() => String) familyName!: string;
  @Field(() => String, { description: 'YYYY-MM-DD' }) dateOfBirth!: string;
  @Field(() => ID, { description: 'The GP practice the patient is registered with.' }) practiceId!: string;
  @Field(() => [String], { defaultValue: [] }) conditions!: string[];
  @Field(() => PatientStatus, { defaultValue: PatientStatus.REFERRED }) status!: PatientStatus;
  @Field(() => ID, { nullable: true, description: 'The care-team lead; defaults to you.' }) leadUserId?: string | null;
  @Field(() => String, { nullable: true, description: "The lead's part in the patient's care." }) leadTeamRole?: string | null;
}

@InputType({ description: "The patient's details as the person correcting them saw them: a correction is made against these." })
export class PatientDetailsSeenInput {
  @Field(() => String) nhsNumber!: string;
  @Field(() => String) givenName!: string;
  @Field(() => String) familyName!: string;
  @Field(() => String, { description: 'YYYY-MM-DD' }) dateOfBirth!: string;
  @Field(() => ID) practiceId!: string;
}

@InputType({ description: 'Corrections to who the patient is; only the fields given, and different from what was seen, change.' })
export class UpdatePatientDemographicsInput {
  @Field(() => ID) patientId!: string;
  @Field(() => String, { nullable: true, description: 'Ten digits with a valid check digit; spaces and dashes are fine.' }) nhsNumber?: string | null;
  @Field(() => String, { nullable: true }) givenName?: string | null;
  @Field(() => String, { nullable: true }) familyName?: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) dateOfBirth?: string | null;
  @Field(() => ID, { nullable: true, description: "A GP practice in the patient's Primary Care Network." }) practiceId?: string | null;
  @Field(() => PatientDetailsSeenInput, {
    description:
      "The details as the form showed them. A field given with the value seen is not a change (a colleague's change to it since is kept); a field changed both here and by someone else since is refused (CONFLICT on `seen`) rather than overwritten.",
  })
  seen!: PatientDetailsSeenInput;
}

@ObjectType({ description: 'A status the patient could be moved to by hand, and whether they may be now.' })
export class PatientStatusChange {
  @Field(() => PatientStatus) to!: PatientStatus;
  @Field(() => String, { description: 'The status in words.' }) label!: string;
  @Field(() => Boolean) allowed!: boolean;
  @Field(() => String, { nullable: true, description: "Why not, and which of the programme's steps makes this change instead." }) why!: string | null;
}
