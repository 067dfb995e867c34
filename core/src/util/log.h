/* Logging to stderr, one line per record. Never pass personal data (names,
 * ID numbers, phones, addresses) to these.
 *
 * Two formats, chosen once, at the first record:
 * - a terminal or a file: "2026-12-01T02:30:00Z info message" (UTC);
 * - the systemd journal, when $JOURNAL_STREAM names the device and inode of
 *   stderr (systemd sets it for a unit's stderr): "<6>message", the kernel
 *   syslog priority prefix (3 error, 4 warning, 6 info, 7 debug) that the
 *   journal turns into the record's priority; no timestamp, the journal
 *   stamps each record itself. */
#ifndef MOTCUA_LOG_H
#define MOTCUA_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Records below level are dropped (default LOG_INFO). Call before other
 * threads start: the threshold is read without a lock. */
void log_set_level(enum log_level level);
/* Parses "debug", "info", "warn" or "error" into *level; false for anything
 * else (*level untouched). */
bool log_level_parse(const char *name, enum log_level *level);
/* The name log_level_parse takes for level. */
const char *log_level_name(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True when stderr is the journal's stream (see above). */
bool log_to_journal(void);
/* The journal's priority prefix for level ("<3>" …) when stderr is the
 * journal, else "": for the few lines written to stderr without log_msg
 * (command-line errors), so they too carry their priority. */
const char *log_journal_prefix(enum log_level level);

/* One line per interval for a record that can come by the hundred a second
 * (a database that is away fails every request). Zero-initialised; shared
 * by any threads (atomics only). */
struct log_limit {
	_Atomic long long next_ms;     /* clock_mono_ms before which records are dropped */
	_Atomic unsigned long dropped; /* dropped since the last one let through */
};
/* True when a record may be written now (then none for interval_ms), with
 * *dropped the records dropped since the last one let through; false
 * (counted as dropped) otherwise. */
bool log_limit_pass(struct log_limit *l, int interval_ms, unsigned long *dropped);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
