const toTheMinute = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' });
const toTheSecond = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' });

/**
 * An instant as people in the UK read it, in UK time whatever zone the computer or the server is set to:
 * 3 Dec 2026, 09:41; to the second (09:41:07) where the order of things a second apart matters, as in the
 * audit trail. A value that is not a time is given back as it is. One formatter for the web app and the
 * words the server and the web app share (the audit trail's details).
 */
export function formatDateTime(iso: string, options: { seconds?: boolean } = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return (options.seconds ? toTheSecond : toTheMinute).format(date);
}
