#include "util/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"

static const char *const log_names[] = {"debug", "info", "warn", "error"};
/* syslog(3) priorities: LOG_DEBUG 7, LOG_INFO 6, LOG_WARNING 4, LOG_ERR 3. */
static const char *const log_prefixes[] = {"<7>", "<6>", "<4>", "<3>"};

/* Set by log_set_level before threads start; read-only after. */
static enum log_level log_threshold = LOG_INFO;

/* Written once under log_once, read-only after. */
static bool log_journal;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

/* $JOURNAL_STREAM is "DEV:INODE" of the stream systemd connected to the
 * service's stdout/stderr. It is inherited by children whose stderr may
 * point elsewhere (a shell redirect), hence the comparison with fstat. */
static void log_detect_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	char tail;
	struct stat sb;
	if (env == NULL || sscanf(env, "%llu:%llu%c", &dev, &ino, &tail) != 2)
		return;
	if (fstat(STDERR_FILENO, &sb) != 0)
		return;
	log_journal = (unsigned long long)sb.st_dev == dev && (unsigned long long)sb.st_ino == ino;
}

bool log_to_journal(void)
{
	pthread_once(&log_once, log_detect_journal);
	return log_journal;
}

const char *log_journal_prefix(enum log_level level)
{
	return log_to_journal() ? log_prefixes[level] : "";
}

void log_set_level(enum log_level level)
{
	log_threshold = level;
}

bool log_level_parse(const char *name, enum log_level *level)
{
	for (int i = LOG_DEBUG; i <= LOG_ERROR; i++)
		if (strcmp(name, log_names[i]) == 0) {
			*level = (enum log_level)i;
			return true;
		}
	return false;
}

const char *log_level_name(enum log_level level)
{
	return log_names[level];
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	char stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level < log_threshold)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* One fprintf per record keeps lines whole across threads. */
	if (log_to_journal()) {
		fprintf(stderr, "%s%s\n", log_prefixes[level], line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s %s\n", stamp, log_names[level], line);
}

bool log_limit_pass(struct log_limit *l, int interval_ms, unsigned long *dropped)
{
	long long now = clock_mono_ms();
	long long next = atomic_load(&l->next_ms);
	if (now < next || !atomic_compare_exchange_strong(&l->next_ms, &next, now + interval_ms)) {
		atomic_fetch_add(&l->dropped, 1);
		return false;
	}
	*dropped = atomic_exchange(&l->dropped, 0);
	return true;
}
