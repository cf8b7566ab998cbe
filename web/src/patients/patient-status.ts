import type { PatientStatus } from '@cairn/schema/operations';
import type { BadgeTone } from '../ui/badge.js';

export const patientStatuses: readonly PatientStatus[] = ['REFERRED', 'ACTIVE', 'DISCHARGED'];

export function statusLabel(status: PatientStatus): string {
  switch (status) {
    case 'REFERRED':
      return 'Referred';
    case 'ACTIVE':
      return 'Active';
    case 'DISCHARGED':
      return 'Discharged';
  }
}

export function statusTone(status: PatientStatus): BadgeTone {
  switch (status) {
    case 'REFERRED':
      return 'info';
    case 'ACTIVE':
      return 'success';
    case 'DISCHARGED':
      return 'muted';
  }
}
