import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { canonicalPatientId } from '../access/patient-id-arg.js';
import { PatientAction, requirePatientAccess } from '../access/policy.js';
import { tokenFromHeaders } from '../auth/session-token.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { formatNhsNumber } from '../patients/nhs-number.js';
import type { Patient } from '../patients/patient.entity.js';
import type { Context } from '../auth/request-context.js';
import { CairnError, httpStatusFor } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { categoryLabels, flareUpKeys, flareUpLabels, type CarePlanView, type TextRun } from '@cairn/schema/care-plan';
import { changedSince, listSignOffs, type SignOff } from './care-plan.history.js';
import { dateInWords, ukToday } from '../platform/uk-dates.js';

/**
 * GET /patients/:id/care-plan/print[?signOff=<id>]: the current (or a signed-off) plan as one clean A4
 * page for the patient. Same session (cookie or bearer) and the same policy as the GraphQL query.
 */
export function carePlanPrintHandler(services: Services) {
  return async (req: Request, res: Response): Promise<void> => {
    const em = services.orm.em.fork();
    const session = await services.sessionReads.authenticateIn(em, tokenFromHeaders(req.headers));
    if (!session) {
      res.status(401).type('text/plain').send('Please sign in.');
      return;
    }
    const ctx: Context = {
      em,
      actor: session.user,
      session,
      requestId: randomUUID(),
      clientAddress: req.ip ?? 'unknown',
      transport: 'http',
      services,
    };
    try {
      const patientId = canonicalPatientId(req.params.id);
      const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
      const signOffId = typeof req.query.signOff === 'string' ? req.query.signOff.toLowerCase() : null; // ids as PostgreSQL spells them
      const { view, signed } = signOffId ? await signedOffPlan(em, patientId, signOffId) : await currentPlan(services, em, patientId);
      res.set('Cache-Control', 'no-store').type('text/html').send(renderPrintHtml(patient, view, signed, await contactFor(em, patient)));
    } catch (e) {
      // Anything else is internal: the platform's route error handler logs it (values redacted) under a request id.
      if (!(e instanceof CairnError)) throw e;
      res.status(httpStatusFor(e.code)).type('text/plain').send(e.message);
    }
  };
}

/** A plan to print, and the sign-off that agreed exactly this content (null: not agreed as shown). */
interface PrintedPlan {
  view: CarePlanView;
  signed: SignOff | null;
}

async function signedOffPlan(em: Context['em'], patientId: string, signOffId: string): Promise<PrintedPlan> {
  const signed = (await listSignOffs(em, patientId)).find((s) => s.id === signOffId);
  if (!signed) throw new CairnError('NOT_FOUND', 'No such sign-off for this plan.');
  return { view: signed.view, signed };
}

/**
 * The plan as it is now. When nothing changed since its last sign-off it is the plan the patient agreed,
 * and the page says so, as the screen does ("Agreed … No changes since"): decided by `changedSince`, as the
 * screen's `changedSinceSignOff` is.
 */
async function currentPlan(services: Services, em: Context['em'], patientId: string): Promise<PrintedPlan> {
  const { view } = await services.carePlans.read(patientId);
  const [last] = await listSignOffs(em, patientId);
  return { view, signed: last && !changedSince(view, last) ? last : null };
}

/** Who the patient can ask about the plan: their practice and the person who leads their care. */
export interface PrintContact {
  practiceName: string;
  lead: { name: string; teamRole: string } | null;
}

async function contactFor(em: Context['em'], patient: Patient): Promise<PrintContact> {
  await em.populate(patient, ['practice']);
  const lead = await em.findOne(CareTeamMember, { patient: patient.id, isLead: true }, { populate: ['user'] });
  return { practiceName: patient.practice.name, lead: lead ? { name: lead.user.name, teamRole: lead.teamRole } : null };
}

/** The contact line: the practice by name, and whom to ask for there. */
function contactLine(contact: PrintContact): string {
  const ask = contact.lead ? `ask for ${esc(contact.lead.name)} (${esc(contact.lead.teamRole)}), who leads your care` : 'ask for the team who look after your pain';
  return `<p class="contact">Your practice: <strong>${esc(contact.practiceName)}</strong>. Questions about this plan: contact your practice and ${ask}.</p>`;
}

/** The printable page; every value is escaped. `signed`: the sign-off that agreed exactly `view`, if one did. */
export function renderPrintHtml(patient: Patient, view: CarePlanView, signed: SignOff | null, contact: PrintContact): string {
  const goals = view.goals
    .filter((g) => g.status !== 'DROPPED')
    .map(
      (g) => `<li><strong>${esc(g.what)}</strong>${g.targetDate ? ` <span class="muted">by ${longDate(g.targetDate)}</span>` : ''} <span class="tag">${esc(g.status.toLowerCase())}</span>
        ${g.why ? `<div>Why it matters: ${esc(g.why)}</div>` : ''}${g.measure ? `<div>How I'll know: ${esc(g.measure)}</div>` : ''}
        ${g.checkIns.length ? `<div class="muted">Progress: ${g.checkIns.map((c) => `${longDate(c.date)} ${c.rating}/10`).join(' · ')}</div>` : ''}</li>`,
    )
    .join('');
  const strategies = view.strategies
    .map((s) => `<tr><td>${esc(categoryLabels[s.category])}</td><td>${esc(s.what)}</td><td>${esc(s.howOften)}</td></tr>`)
    .join('');
  const flare = (label: string, text: string) => `<h3>${label}</h3>${paragraphs(text)}`;
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Care plan — ${esc(patient.givenName)} ${esc(patient.familyName)}</title>
<style>
  @page { size: A4; margin: 18mm 16mm; }
  body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #1d1d1f; max-width: 178mm; margin: 0 auto; }
  h1 { font-size: 18pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid #ccc; padding-bottom: 1mm; }
  h3 { font-size: 11pt; margin: 3mm 0 1mm; } p { margin: 0 0 2mm; } .muted { color: #555; font-size: 9.5pt; }
  .tag { font-size: 8.5pt; border: 1px solid #999; border-radius: 3px; padding: 0 1.5mm; }
  table { width: 100%; border-collapse: collapse; } td, th { text-align: left; vertical-align: top; padding: 1mm 2mm 1mm 0; border-bottom: 1px solid #eee; }
  li { margin-bottom: 2mm; page-break-inside: avoid; } section { page-break-inside: avoid; }
  .contact { margin: 1mm 0; padding: 1.5mm 2mm; border: 1px solid #999; border-radius: 3px; }
</style></head><body>
<header><h1>My care plan</h1>
<div>${esc(patient.givenName)} ${esc(patient.familyName)} · NHS number ${esc(formatNhsNumber(patient.nhsNumber))} · born ${longDate(patient.dateOfBirth)}</div>
${contactLine(contact)}
<div class="muted">${signed ? `Agreed on ${longDate(signed.agreedOn)} with ${esc(signed.signedByName)}` : `Printed ${longDate(ukToday())} — not yet agreed as shown`}</div></header>
<section><h2>What matters to me</h2>${runsHtml(view.whatMattersRuns)}</section>
<section><h2>My goals</h2>${goals ? `<ul>${goals}</ul>` : '<p class="muted">No goals yet.</p>'}</section>
<section><h2>Things that help me manage</h2>${strategies ? `<table><thead><tr><th>Area</th><th>What I'll do</th><th>How often</th></tr></thead><tbody>${strategies}</tbody></table>` : '<p class="muted">None yet.</p>'}</section>
<section><h2>If I have a flare-up</h2>${flareUpKeys.map((k) => flare(flareUpLabels[k], view.flareUp[k])).join('')}</section>
<section><h2>My medication plan</h2>${paragraphs(view.medication)}</section>
<section><h2>Review</h2><p>${view.review.nextReviewDate ? `Next review: ${longDate(view.review.nextReviewDate)}` : 'Next review: to be arranged'}</p></section>
</body></html>`;
}

/** One printed line: its formatted text, and the list it belongs to (a line's list sits on its newline). */
interface PrintLine {
  html: string;
  list: 'ul' | 'ol' | null;
}

/** Formatted text as escaped HTML: paragraphs, bulleted and numbered lists, bold, italic, underline. */
function runsHtml(runs: TextRun[]): string {
  const blocks: Array<{ tag: 'p' | 'ul' | 'ol'; items: string[] }> = [];
  for (const line of printLines(runs)) {
    const last = blocks[blocks.length - 1];
    if (line.list && last?.tag === line.list) last.items.push(line.html);
    else if (line.list) blocks.push({ tag: line.list, items: [line.html] });
    else if (line.html) blocks.push({ tag: 'p', items: [line.html] });
  }
  const body = blocks.map((b) => (b.tag === 'p' ? `<p>${b.items[0]}</p>` : `<${b.tag}>${b.items.map((i) => `<li>${i}</li>`).join('')}</${b.tag}>`)).join('');
  return body || '<p class="muted">Not written yet.</p>';
}

function printLines(runs: TextRun[]): PrintLine[] {
  const lines: PrintLine[] = [{ html: '', list: null }];
  for (const run of runs) {
    run.insert.split('\n').forEach((part, i) => {
      if (i > 0) {
        const list = run.attributes?.list;
        lines[lines.length - 1].list = list === 'ordered' ? 'ol' : list ? 'ul' : null;
        lines.push({ html: '', list: null });
      }
      if (part) lines[lines.length - 1].html += inlineHtml(part, run.attributes);
    });
  }
  return lines;
}

function inlineHtml(text: string, attributes: TextRun['attributes']): string {
  let html = esc(text);
  if (attributes?.bold) html = `<strong>${html}</strong>`;
  if (attributes?.italic) html = `<em>${html}</em>`;
  if (attributes?.underline) html = `<u>${html}</u>`;
  return html;
}

function paragraphs(text: string): string {
  return runsHtml([{ insert: text }]);
}

/** A calendar day (YYYY-MM-DD) as the patient reads it, escaped: 17 May 1970. */
function longDate(isoDay: string): string {
  return esc(dateInWords(isoDay));
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
