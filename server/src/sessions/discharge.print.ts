import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { canonicalPatientId } from '../access/patient-id-arg.js';
import { PatientAction, requirePatientAccess } from '../access/policy.js';
import type { Context } from '../auth/request-context.js';
import { tokenFromHeaders } from '../auth/session-token.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { formatNhsNumber } from '../patients/nhs-number.js';
import type { Patient } from '../patients/patient.entity.js';
import { CairnError, httpStatusFor } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { type Discharge, dischargeReasonWords } from './discharge.entity.js';
import { dischargesOf } from './discharge.service.js';
import { dateInWords, ukDate } from '../platform/uk-dates.js';

/**
 * GET /patients/:id/discharge-letter/print: the latest discharge as an A4 letter to the patient's GP(s),
 * with the same session and policy as the GraphQL API (like the printed care plan).
 */
export function dischargeLetterHandler(services: Services) {
  return async (req: Request, res: Response): Promise<void> => {
    const em = services.orm.em.fork();
    const session = await services.sessionReads.authenticateIn(em, tokenFromHeaders(req.headers));
    if (!session) {
      res.status(401).type('text/plain').send('Please sign in.');
      return;
    }
    const ctx: Context = { em, actor: session.user, session, requestId: randomUUID(), clientAddress: req.ip ?? 'unknown', transport: 'http', services };
    try {
      const { patient } = await requirePatientAccess(ctx, canonicalPatientId(req.params.id), PatientAction.READ);
      const [discharge] = await dischargesOf(em, patient.id);
      if (!discharge) throw new CairnError('NOT_FOUND', 'This patient has not been discharged.');
      await em.populate(patient, ['practice']);
      const gps = (await em.find(CareTeamMember, { patient: patient.id }, { populate: ['user'] })).filter((m) => m.user.role === 'GP').map((m) => m.user.name);
      res.set('Cache-Control', 'no-store').type('text/html').send(renderDischargeLetter(patient, discharge, gps));
    } catch (e) {
      // Anything else is internal: the platform's route error handler logs it (values redacted) under a request id.
      if (!(e instanceof CairnError)) throw e;
      res.status(httpStatusFor(e.code)).type('text/plain').send(e.message);
    }
  };
}

/** The letter; every value is escaped. */
export function renderDischargeLetter(patient: Patient, discharge: Discharge, gpNames: string[]): string {
  const name = `${esc(patient.givenName)} ${esc(patient.familyName)}`;
  const body = discharge.summary
    .split(/\n{2,}/)
    .map((block) => {
      const lines = block.split('\n');
      const items = lines.filter((l) => l.startsWith('- '));
      if (items.length === lines.length) return `<ul>${items.map((l) => `<li>${esc(l.slice(2))}</li>`).join('')}</ul>`;
      if (items.length > 0 && !lines[0]!.startsWith('- ')) {
        return `<h2>${esc(lines[0]!)}</h2><ul>${lines.slice(1).map((l) => `<li>${esc(l.replace(/^- /, ''))}</li>`).join('')}</ul>`;
      }
      return lines.length > 1 && lines[0]!.length < 80 && !/[.:]$/.test(lines[0]!) ? `<h2>${esc(lines[0]!)}</h2>${lines.slice(1).map((l) => `<p>${esc(l)}</p>`).join('')}` : lines.map((l) => `<p>${esc(l)}</p>`).join('');
    })
    .join('');
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Discharge letter — ${name}</title>
<style>
  @page { size: A4; margin: 18mm 16mm; }
  body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #1d1d1f; max-width: 178mm; margin: 0 auto; }
  h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #ccc; padding-bottom: 1mm; }
  p { margin: 0 0 2mm; } ul { margin: 0 0 2mm; padding-left: 6mm; } li { margin-bottom: 1mm; }
  .muted { color: #555; font-size: 9.5pt; } .box { border: 1px solid #999; border-radius: 3px; padding: 2mm 3mm; margin: 3mm 0; }
  .signed { margin-top: 8mm; page-break-inside: avoid; }
</style></head><body>
<header><h1>Discharge from health and wellbeing coaching</h1>
<div class="box">To: ${gpNames.length ? gpNames.map(esc).join(', ') : 'the patient\'s GP'}, ${esc(patient.practice.name)}<br>
Patient: <strong>${name}</strong> · NHS number ${esc(formatNhsNumber(patient.nhsNumber))} · born ${esc(dateInWords(patient.dateOfBirth))}<br>
Reason for discharge: <strong>${esc(dischargeReasonWords[discharge.reason])}</strong></div></header>
<main>${body}</main>
<div class="signed"><p>Signed by <strong>${esc(discharge.signedBy.name)}</strong>, health and wellbeing coach, on ${esc(dateInWords(ukDate(discharge.signedAt)))}.</p>
<p class="muted">Printed from Cairn ${esc(dateInWords(ukDate(new Date())))}.</p></div>
</body></html>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
