// The time zones the Schedules screen reads times in: the user's own (where list times are
// shown, and new cron schedules start), and every zone this browser knows, to suggest.

/** The user's time zone, as the system reports it (an IANA name). */
export const LOCAL_ZONE: string = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** IANA zone names to suggest in the time-zone field; any name Rust knows may be typed. */
export const TIME_ZONES: readonly string[] = Intl.supportedValuesOf("timeZone");
