import { SpecialistLink } from '../access/specialist-link.entity.js';
import { Session } from '../auth/session.entity.js';
import { Thread, ThreadPost, ThreadPostRevision } from '../threads/thread.entity.js';
import { Notification } from '../notifications/notification.entity.js';
import { HandoverAction, HandoverAddendum, HandoverNote } from '../handover/handover.entity.js';
import { User } from '../auth/user.entity.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Patient } from '../patients/patient.entity.js';

/** Every MikroORM entity; a domain adds its own here. */
export const entities = [Organisation, User, Session, Patient, CareTeamMember, SpecialistLink, HandoverNote, HandoverAction, HandoverAddendum, Notification, Thread, ThreadPost, ThreadPostRevision];
