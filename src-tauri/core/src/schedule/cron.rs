//! Cron schedules: a five-field expression (minute hour day-of-month month day-of-week, with
//! lists, ranges, steps, names and `@daily`-style nicknames) read in an IANA time zone. Times
//! in and out are UTC; a local time a daylight-saving change skips fires after the change,
//! one that happens twice fires once.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use serde::Serialize;

/// The IANA time zone named `name`, whatever its case (`europe/paris` is Europe/Paris).
pub fn zone(name: &str) -> Option<Tz> {
    let name = name.trim();
    name.parse().ok().or_else(|| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|zone| zone.name().eq_ignore_ascii_case(name))
            .copied()
    })
}

/// A parsed cron expression in its time zone.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    cron: Cron,
    zone: Tz,
}

/// What the schedule editor shows while the user types: the expression in words and when it
/// would fire next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct CronPreview {
    pub description: String,
    /// The next run times, UTC (RFC 3339).
    pub next: Vec<String>,
}

/// Why a cron schedule cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CronError {
    #[error("`{0}` is not a time zone (use an IANA name such as Europe/Paris or UTC)")]
    UnknownZone(String),
    #[error("`{0}` has more than five fields: minute hour day-of-month month day-of-week")]
    TooManyFields(String),
    #[error("`{expression}` is not a cron expression: {reason}")]
    NotCron { expression: String, reason: String },
    #[error("`{expression}`: the {field} field `{text}` is not valid: it takes {range} ({reason})")]
    BadField {
        expression: String,
        /// minute, hour, day-of-month, month or day-of-week.
        field: &'static str,
        /// The field as written.
        text: String,
        /// What the field accepts.
        range: &'static str,
        /// What the cron parser said.
        reason: String,
    },
}

/// The five fields of a cron expression, in order, with what each accepts.
const FIELDS: [(&str, &str); 5] = [
    ("minute", "0–59"),
    ("hour", "0–23"),
    ("day-of-month", "1–31"),
    ("month", "1–12 or JAN–DEC"),
    ("day-of-week", "0–7 or SUN–SAT, 0 and 7 are Sunday"),
];

impl CronSchedule {
    pub fn parse(expression: &str, timezone: &str) -> Result<Self, CronError> {
        let zone = zone(timezone).ok_or_else(|| CronError::UnknownZone(timezone.to_owned()))?;
        if expression.split_whitespace().count() > 5 {
            return Err(CronError::TooManyFields(expression.to_owned()));
        }
        let cron = parser()
            .parse(expression)
            .map_err(|e| bad_field(expression, e.to_string()))?;
        Ok(Self { cron, zone })
    }

    /// The time zone the schedule reads its expression in.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// `time` on the schedule's own clock, e.g. `2026-12-08 09:00 CET (+01:00)`.
    pub fn local_time(&self, time: DateTime<Utc>) -> String {
        time.with_timezone(&self.zone)
            .format("%Y-%m-%d %H:%M %Z (%:z)")
            .to_string()
    }

    /// `time` as a user reads it: on the schedule's own clock with UTC beside
    /// (`2026-12-08 09:00 CET (+01:00) = 2026-12-08T08:00:00Z`), or UTC alone for a UTC
    /// schedule.
    pub fn when(&self, time: DateTime<Utc>) -> String {
        let utc = time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if matches!(self.zone, Tz::UTC | Tz::Etc__UTC) {
            utc
        } else {
            format!("{} = {utc}", self.local_time(time))
        }
    }

    /// The first time strictly after `after` the schedule fires.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron
            .find_next_occurrence(&after.with_timezone(&self.zone), false)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The next `count` times after `after`.
    pub fn upcoming(&self, after: DateTime<Utc>, count: usize) -> Vec<DateTime<Utc>> {
        std::iter::successors(self.next_after(after), |t| self.next_after(*t))
            .take(count)
            .collect()
    }

    /// The expression in words, e.g. "At 09:00 on Monday through Friday".
    pub fn describe(&self) -> String {
        self.cron.describe()
    }

    pub fn preview(&self, after: DateTime<Utc>) -> CronPreview {
        CronPreview {
            description: self.describe(),
            next: self
                .upcoming(after, 5)
                .iter()
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .collect(),
        }
    }
}

fn parser() -> CronParser {
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .build()
}

/// Why `expression` is not cron, naming the field at fault when one is: the parser says
/// only "Number out of bounds", so each field is tried alone, the others `*`.
fn bad_field(expression: &str, reason: String) -> CronError {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if fields.len() == 5 {
        for (k, ((field, range), text)) in FIELDS.iter().zip(&fields).enumerate() {
            let alone: Vec<&str> = (0..5).map(|j| if j == k { *text } else { "*" }).collect();
            if let Err(e) = parser().parse(&alone.join(" ")) {
                return CronError::BadField {
                    expression: expression.to_owned(),
                    field,
                    text: (*text).to_owned(),
                    range,
                    reason: e.to_string(),
                };
            }
        }
    }
    CronError::NotCron {
        expression: expression.to_owned(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("a time")
            .with_timezone(&Utc)
    }

    fn times(schedule: &CronSchedule, after: &str, count: usize) -> Vec<String> {
        schedule
            .upcoming(at(after), count)
            .iter()
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .collect()
    }

    #[test]
    fn weekday_mornings_in_paris_follow_its_clock_change() {
        let schedule = CronSchedule::parse("0 9 * * MON-FRI", "Europe/Paris").expect("parses");
        // Friday 2026-10-23, then the weekend; clocks go back on Sunday 25 October.
        assert_eq!(
            times(&schedule, "2026-10-22T12:00:00Z", 3),
            [
                "2026-10-23T07:00:00Z",
                "2026-10-26T08:00:00Z",
                "2026-10-27T08:00:00Z"
            ]
        );
        assert!(
            schedule.describe().contains("09:00"),
            "{}",
            schedule.describe()
        );
    }

    #[test]
    fn steps_and_nicknames_read_as_cron_does() {
        let every_quarter = CronSchedule::parse("*/15 * * * *", "UTC").expect("parses");
        assert_eq!(
            times(&every_quarter, "2026-11-24T10:07:00Z", 2),
            ["2026-11-24T10:15:00Z", "2026-11-24T10:30:00Z"]
        );
        let daily = CronSchedule::parse("@daily", "UTC").expect("parses");
        assert_eq!(
            times(&daily, "2026-11-24T00:00:00Z", 1),
            ["2026-11-25T00:00:00Z"],
            "strictly after"
        );
    }

    #[test]
    fn a_field_out_of_range_is_named_with_its_range() {
        for (expression, field, range) in [
            ("0 25 * * *", "hour", "0–23"),
            ("60 * * * *", "minute", "0–59"),
            ("0 9 32 * *", "day-of-month", "1–31"),
            ("0 9 * 13 *", "month", "1–12"),
            ("0 9 * * 8", "day-of-week", "0–7"),
            ("0 9-30 * * *", "hour", "0–23"),
            ("0 9 * * MON-FRY", "day-of-week", "SUN–SAT"),
        ] {
            let message = CronSchedule::parse(expression, "UTC")
                .expect_err(expression)
                .to_string();
            assert!(
                message.contains(&format!("the {field} field")) && message.contains(range),
                "{expression}: {message}"
            );
        }
    }

    #[test]
    fn times_read_on_the_schedules_own_clock() {
        let schedule = CronSchedule::parse("0 9 * * *", "Europe/Paris").expect("parses");
        let next = schedule
            .next_after(at("2026-12-07T12:00:00Z"))
            .expect("a time");
        assert_eq!(
            next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "2026-12-08T08:00:00Z"
        );
        assert_eq!(schedule.local_time(next), "2026-12-08 09:00 CET (+01:00)");
        assert_eq!(
            schedule.when(next),
            "2026-12-08 09:00 CET (+01:00) = 2026-12-08T08:00:00Z"
        );
        let utc = CronSchedule::parse("0 9 * * *", "UTC").expect("parses");
        assert_eq!(utc.when(next), "2026-12-08T08:00:00Z");
    }

    #[test]
    fn bad_expressions_and_zones_say_what_is_wrong() {
        assert!(
            CronSchedule::parse("0 9 * *", "UTC")
                .expect_err("four fields")
                .to_string()
                .starts_with("`0 9 * *` is not a cron expression")
        );
        assert!(
            CronSchedule::parse("0 0 9 * * *", "UTC")
                .expect_err("seconds")
                .to_string()
                .contains("more than five fields")
        );
        assert!(
            CronSchedule::parse("0 9 * * *", "europe/paris").is_ok(),
            "any case"
        );
        assert!(
            CronSchedule::parse("0 9 * * *", "Mars/Olympus")
                .expect_err("zone")
                .to_string()
                .starts_with("`Mars/Olympus` is not a time zone")
        );
    }
}
