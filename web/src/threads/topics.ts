import type { ThreadTopic } from '@cairn/schema/operations';

export const topicOptions: ReadonlyArray<{ value: ThreadTopic; label: string }> = [
  { value: 'GENERAL', label: 'General' },
  { value: 'MEDICATION', label: 'Medication' },
  { value: 'PLAN_REVIEW', label: 'Plan review' },
  { value: 'SAFEGUARDING', label: 'Safeguarding' },
  { value: 'REFERRAL', label: 'Referral' },
];

export function topicLabel(topic: ThreadTopic): string {
  return topicOptions.find((t) => t.value === topic)?.label ?? topic;
}
