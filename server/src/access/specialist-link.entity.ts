import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Organisation } from '../organisations/organisation.entity.js';
import { Patient } from '../patients/patient.entity.js';

export const SpecialistLinkReason = { REFERRED: 'REFERRED', HANDOVER: 'HANDOVER' } as const;
export type SpecialistLinkReason = (typeof SpecialistLinkReason)[keyof typeof SpecialistLinkReason];

/** A specialist service a patient was referred or handed over to: its specialists may see the patient. */
@Entity({ tableName: 'specialist_link' })
@Unique({ properties: ['patient', 'service'] })
export class SpecialistLink {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Patient, fieldName: 'patient_id' })
  patient: Patient;

  @ManyToOne({ entity: () => Organisation, fieldName: 'service_id' })
  service: Organisation;

  @Enum({ items: () => Object.values(SpecialistLinkReason), type: 'text' })
  reason: SpecialistLinkReason;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  constructor(patient: Patient, service: Organisation, reason: SpecialistLinkReason) {
    this.patient = patient;
    this.service = service;
    this.reason = reason;
  }
}
