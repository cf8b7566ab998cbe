/** "a", "a and b", "a, b and c": a list as a sentence reads it (server messages and the web alike). */
export function listInWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A change with its sign, as print sets it: "+10", "−2.5" with a true minus sign rather than a hyphen, "0". */
export function signedNumber(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}

/** The roles of Cairn's users, as the server's `Role` and the API name them. */
export type RoleName = 'COACH' | 'FCP' | 'GP' | 'PAIN_PRACTITIONER' | 'SPECIALIST' | 'SERVICE_LEAD' | 'ADMIN';

/** How each role reads to the people using Cairn: on screen, in server messages and in exports alike. */
export function roleLabel(role: RoleName): string {
  switch (role) {
    case 'COACH':
      return 'Health & wellbeing coach';
    case 'FCP':
      return 'First Contact Physiotherapist';
    case 'GP':
      return 'GP';
    case 'PAIN_PRACTITIONER':
      return 'Pain management practitioner';
    case 'SPECIALIST':
      return 'Specialist pain service';
    case 'SERVICE_LEAD':
      return 'Service lead';
    case 'ADMIN':
      return 'Administrator';
  }
}

const channels: Readonly<Record<string, string>> = { SMS: 'text message', EMAIL: 'email', LETTER: 'letter', PHONE: 'phone' };

/** How an invitation or a questionnaire link was sent, as a sentence says it ("by text message"). */
export function channelWords(channel: string): string {
  return Object.hasOwn(channels, channel) ? channels[channel]! : channel.toLowerCase();
}
