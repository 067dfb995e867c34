/* doctor: what is wrong with an installation (docs/monitoring.md, "doctor").
 *
 * One line per check on stdout, "STATUS  CHECK  DETAIL" with STATUS ok, warn
 * or fail; exit 0 when nothing failed, 1 when a check failed, 2 on bad
 * arguments. It reads and never writes: the database is opened read-only and
 * never migrated, the port is bound only to see whether it is free and
 * released at once, printers are asked their state (no job). Checks run for
 * what the options name: database, schema and printers of --db, disk space
 * where --db and --backup-dir live, backups of --backup-dir, the printers of
 * the database and --printer, TLS of --tls-cert/--tls-key, the port of
 * --listen/--port; clock and time zone always. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <jansson.h>
#include <libgen.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_config.h"
#include "store/ops_figures.h"
#include "store/store.h"
#include "util/backup_files.h"
#include "util/clock.h"
#include "util/xmalloc.h"
#ifdef MOTCUA_HAVE_PRINTER
#include "printer/submit.h"
#endif

static const char doctor_usage[] =
    "usage: motcua-server doctor [--config FILE] [--db FILE] [--backup-dir DIR]\n"
    "         [--tls-cert PEM --tls-key PEM] [--printer QUEUE|URI] [--listen ADDR] [--port N]\n"
    "Checks an installation and prints one line per check: ok, warn or fail, the\n"
    "check, the detail. Checks: database (opens read-only, quick_check), schema,\n"
    "disk space where the database and backups live, the newest backup's age, each\n"
    "printer of the database and --printer (reachable within 3 s), clock (plausible,\n"
    "NTP synchronised), timezone (+07:00), TLS certificate and key, the listening\n"
    "port (free, or answered by motcua-server). Nothing is changed.\n"
    "Exit 0: no check failed; 1: a check failed; 2: bad arguments.\n";

/* The thresholds (docs/monitoring.md says the same). */
#define DOCTOR_GIB (1024.0 * 1024 * 1024)
#define DOCTOR_DISK_FAIL_BYTES (500.0 * 1024 * 1024)
#define DOCTOR_DISK_WARN_BYTES (2 * DOCTOR_GIB)
#define DOCTOR_DISK_WARN_SHARE 0.10
#define DOCTOR_BACKUP_WARN_S (26 * 3600)
#define DOCTOR_BACKUP_FAIL_S (3 * 86400)
#define DOCTOR_TLS_WARN_S (30 * 86400)
#define DOCTOR_PRINTER_MS 3000
#define DOCTOR_PORT_MS 3000L

enum doctor_status { DOC_OK, DOC_WARN, DOC_FAIL };

struct doctor {
	int fails;
	int warns;
};

static void report(struct doctor *d, enum doctor_status st, const char *check, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prints one check's line and counts it. The detail holds names and
 * messages from outside (files, printers, the database): a control
 * character, C0 or C1 (as UTF-8), is printed escaped, never as it is. */
static void report(struct doctor *d, enum doctor_status st, const char *check, const char *fmt, ...)
{
	static const char *const names[] = {"ok", "warn", "fail"};
	printf("%-4s  %-9s  ", names[st], check);
	va_list ap;
	va_start(ap, fmt);
	char *text = NULL;
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	for (const unsigned char *p = (const unsigned char *)(text ? text : "?"); *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02X", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			printf("\\u%04X", *++p);
		else
			putchar(*p);
	}
	free(text);
	putchar('\n');
	fflush(stdout);
	if (st == DOC_FAIL)
		d->fails++;
	else if (st == DOC_WARN)
		d->warns++;
}

/* "3 h", "2 days" ... for an age in seconds. */
static void doctor_age(int64_t s, char *out, size_t len)
{
	if (s < 0)
		snprintf(out, len, "in the future (%lld s ahead)", (long long)-s);
	else if (s < 3600)
		snprintf(out, len, "%lld min ago", (long long)(s / 60));
	else if (s < 2 * 86400)
		snprintf(out, len, "%.1f h ago", (double)s / 3600);
	else
		snprintf(out, len, "%.1f days ago", (double)s / 86400);
}

/* An instant as office time "YYYY-MM-DD HH:MM +07:00". */
static void doctor_when(int64_t t, char out[32])
{
	char iso[26];
	clock_office_iso(t, iso);
	snprintf(out, 32, "%.10s %.5s +07:00", iso, iso + 11);
}

/* ---- database and schema ------------------------------------------------------------ */

static void check_database(struct doctor *d, const char *db, struct store_inspection *in,
                           bool *inspected)
{
	struct stat sb;
	if (store_target_is_file(db) && stat(db, &sb) != 0) {
		report(d, DOC_FAIL, "database", "%s: %s (run motcua-server init --db %s)", db,
		       strerror(errno), db);
		return;
	}
	struct mc_error err;
	if (store_inspect(db, in, &err) != MC_OK) {
		report(d, DOC_FAIL, "database", "%s", err.message_en);
		return;
	}
	*inspected = true;
	if (strcmp(in->check, "ok") != 0)
		report(d, DOC_FAIL, "database",
		       "%s: quick_check: %s (restore the newest backup: docs/backup.md)", db,
		       in->check);
	else
		report(d, DOC_OK, "database", "%s: quick_check ok, %.1f MiB", db,
		       (double)sb.st_size / (1024 * 1024));
	if (in->schema > in->schema_current)
		report(
		    d, DOC_FAIL, "schema",
		    "version %d is newer than this program's %d: install the newer motcua-server "
		    "(docs/upgrade.md)",
		    in->schema, in->schema_current);
	else if (in->schema == 0)
		report(d, DOC_FAIL, "schema", "version 0: not a motcua database (run init)");
	else if (in->schema < in->schema_current)
		report(d, DOC_WARN, "schema", "version %d of %d: will be upgraded at next start",
		       in->schema, in->schema_current);
	else
		report(d, DOC_OK, "schema", "version %d (current)", in->schema);
}

/* ---- disk space ----------------------------------------------------------------------- */

/* The folder holding path (path itself when it is a folder). */
static char *doctor_folder(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return xstrdup(path);
	char *copy = xstrdup(path);
	char *dir = xstrdup(dirname(copy));
	free(copy);
	return dir;
}

static void check_disk(struct doctor *d, const char *what, const char *path, dev_t *seen,
                       size_t *nseen)
{
	char *dir = doctor_folder(path);
	struct stat sb;
	struct statvfs vfs;
	if (stat(dir, &sb) != 0 || statvfs(dir, &vfs) != 0) {
		report(d, DOC_FAIL, "disk", "%s (%s): %s", dir, what, strerror(errno));
		free(dir);
		return;
	}
	for (size_t i = 0; i < *nseen; i++)
		if (seen[i] == sb.st_dev) { /* the same file system: said once */
			free(dir);
			return;
		}
	seen[(*nseen)++] = sb.st_dev;
	double avail = (double)vfs.f_bavail * (double)vfs.f_frsize;
	double size = (double)vfs.f_blocks * (double)vfs.f_frsize;
	double share = size > 0 ? avail / size : 0;
	enum doctor_status st = avail < DOCTOR_DISK_FAIL_BYTES ? DOC_FAIL
	                        : avail < DOCTOR_DISK_WARN_BYTES || share < DOCTOR_DISK_WARN_SHARE
	                            ? DOC_WARN
	                            : DOC_OK;
	report(d, st, "disk", "%s (%s): %.2f GiB free of %.2f GiB (%.0f %%)%s", dir, what,
	       avail / DOCTOR_GIB, size / DOCTOR_GIB, share * 100,
	       st == DOC_FAIL   ? ": under 500 MiB, writes and backups will fail"
	       : st == DOC_WARN ? ": under 2 GiB or 10 %"
	                        : "");
	free(dir);
}

/* ---- backups ------------------------------------------------------------------------ */

static void check_backup(struct doctor *d, const char *dir)
{
	struct stat sb;
	if (stat(dir, &sb) != 0) {
		report(d, DOC_FAIL, "backup", "%s: %s", dir, strerror(errno));
		return;
	}
	if (!S_ISDIR(sb.st_mode)) {
		report(d, DOC_FAIL, "backup", "%s: not a folder", dir);
		return;
	}
	int64_t when = 0;
	size_t future = 0;
	bool any = backup_newest(dir, (int64_t)time(NULL), &when, &future);
	if (future > 0)
		report(d, DOC_WARN, "backup",
		       "%s: %zu backup name%s dated in the future (over 1 h ahead of this "
		       "clock) ignored: check the clock, then move %s out of the folder",
		       dir, future, future == 1 ? " is" : "s are", future == 1 ? "it" : "them");
	if (!any) {
		report(d, DOC_FAIL, "backup",
		       "%s: no checked backup yet (the first: systemctl start "
		       "motcua-backup.service; the nightly ones: systemctl enable --now "
		       "motcua-backup.timer)",
		       dir);
		return;
	}
	int64_t age = (int64_t)time(NULL) - when;
	char ago[48], at[32];
	doctor_age(age, ago, sizeof ago);
	doctor_when(when, at);
	enum doctor_status st = age > DOCTOR_BACKUP_FAIL_S   ? DOC_FAIL
	                        : age > DOCTOR_BACKUP_WARN_S ? DOC_WARN
	                                                     : DOC_OK;
	report(d, st, "backup", "%s: newest checked backup made %s, %s%s", dir, at, ago,
	       st == DOC_FAIL   ? ": over 3 days (is motcua-backup.timer running?)"
	       : st == DOC_WARN ? ": over 26 h (journalctl -u motcua-backup)"
	                        : "");
}

/* ---- printers ----------------------------------------------------------------------- */

/* How a printer doctor was given is named: "printer (configuration)" when
 * the file's printer key gave it (the default serve sets at each start),
 * "--printer" when typed. */
static const char *doctor_printer_label(const char *target)
{
	const char *file, *key;
	int line;
	return cli_config_origin(target, &file, &line, &key) ? "printer (configuration)"
	                                                     : "--printer";
}

static void check_printer(struct doctor *d, const char *name, const char *target)
{
#ifdef MOTCUA_HAVE_PRINTER
	struct printer_state ps;
	char err[256] = "";
	memset(&ps, 0, sizeof ps);
	int rc = printer_query_state(target, DOCTOR_PRINTER_MS, &ps, err, sizeof err);
	if (rc != PRINTER_OK || !ps.reachable) {
		report(d, DOC_FAIL, "printer", "%s (%s): %s: %s", name, target,
		       printer_status_name(rc), err[0] ? err : "not reachable");
		return;
	}
	bool stopped = ps.state == PRINTER_DEVICE_STOPPED || !ps.accepting_jobs;
	report(d, stopped ? DOC_WARN : DOC_OK, "printer", "%s (%s): %s, %s, reasons %s%s%s", name,
	       target, printer_device_state_name(ps.state),
	       ps.accepting_jobs ? "accepting jobs" : "not accepting jobs",
	       ps.reasons[0] ? ps.reasons : "none", ps.message[0] ? ": " : "", ps.message);
#else
	report(d, DOC_WARN, "printer", "%s (%s): this build has no printing", name, target);
#endif
}

/* ---- clock and time zone ------------------------------------------------------------ */

/* last_event: the database's newest event instant (0: none or not read). */
static void check_clock(struct doctor *d, int64_t last_event)
{
	time_t now = time(NULL);
	char at[32];
	doctor_when((int64_t)now, at);
	/* Behind what the office already recorded: new tickets and dossiers
	 * would be dated before earlier ones. Five minutes of slack for
	 * clocks stepped by NTP. */
	if (last_event > (int64_t)now + 300) {
		char then[32];
		doctor_when(last_event, then);
		report(d, DOC_FAIL, "clock",
		       "the system clock says %s, before the database's newest event (%s): set it "
		       "(timedatectl)",
		       at, then);
		return;
	}
	/* Before this program was written, or absurdly far ahead: a dead RTC
	 * battery or a wrong manual setting. Every due date would be wrong. */
	if (now < 1735689600 /* 2025-01-01 */ || now > 4102444800 /* 2100-01-01 */) {
		report(d, DOC_FAIL, "clock", "the system clock says %s: set it (timedatectl)", at);
		return;
	}
	struct timex tx;
	memset(&tx, 0, sizeof tx);
	int state = adjtimex(&tx);
	if (state < 0)
		report(d, DOC_WARN, "clock", "%s; cannot ask the kernel about NTP: %s", at,
		       strerror(errno));
	else if (state == TIME_ERROR || (tx.status & STA_UNSYNC))
		report(d, DOC_WARN, "clock",
		       "%s; not synchronised by NTP (timedatectl set-ntp true, or chrony): due "
		       "dates and times on tickets follow this clock",
		       at);
	else
		report(d, DOC_OK, "clock", "%s; NTP synchronised (estimated error %ld us)", at,
		       (long)tx.esterror);
}

static void check_timezone(struct doctor *d)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	long a = off < 0 ? -off : off;
	if (off == CLOCK_OFFICE_UTC_OFFSET)
		report(d, DOC_OK, "timezone", "local time is UTC+07:00 (%s), as the office's",
		       tm.tm_zone ? tm.tm_zone : "?");
	else
		report(d, DOC_WARN, "timezone",
		       "local time is UTC%c%02ld:%02ld (%s), not the office's +07:00: motcua keeps "
		       "office time itself, but the journal's and ls -l's times follow local time "
		       "(timedatectl set-timezone Asia/Ho_Chi_Minh)",
		       sign, a / 3600, a % 3600 / 60, tm.tm_zone ? tm.tm_zone : "?");
}

/* ---- TLS ---------------------------------------------------------------------------- */

/* Reads a TLS file whole, as serve does: a regular file of at most 16 MiB,
 * opened non-blocking so a FIFO or a device is refused at once. */
#define DOCTOR_TLS_FILE_MAX (16 * 1024 * 1024)
static bool doctor_read(const char *path, gnutls_datum_t *out, char *why, size_t len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return false;
	}
	const char *what = cli_regular_file(fd);
	if (what) {
		snprintf(why, len, "%s: %s", path, what);
		close(fd);
		return false;
	}
	size_t cap = 4096, n = 0;
	unsigned char *buf = xmalloc(cap);
	ssize_t got;
	while ((got = read(fd, buf + n, cap - n)) > 0) {
		n += (size_t)got;
		if (n == cap) {
			if (cap > DOCTOR_TLS_FILE_MAX)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	int e = got < 0 ? errno : 0;
	close(fd);
	if (e || n > DOCTOR_TLS_FILE_MAX) {
		if (e)
			snprintf(why, len, "%s: %s", path, strerror(e));
		else
			snprintf(why, len, "%s: larger than 16 MiB: not a PEM file", path);
		free(buf);
		return false;
	}
	out->data = buf;
	out->size = (unsigned)n;
	return true;
}

static void check_tls(struct doctor *d, const char *cert_path, const char *key_path)
{
	if (cert_path == NULL || key_path == NULL) {
		report(d, DOC_FAIL, "tls", "--tls-cert and --tls-key go together");
		return;
	}
	gnutls_datum_t cert = {0}, key = {0};
	char why[512];
	gnutls_x509_crt_t crt = NULL;
	gnutls_certificate_credentials_t cred = NULL;
	if (!doctor_read(cert_path, &cert, why, sizeof why) ||
	    !doctor_read(key_path, &key, why, sizeof why)) {
		report(d, DOC_FAIL, "tls", "%s", why);
		goto out;
	}
	int rc = gnutls_x509_crt_init(&crt);
	if (rc == 0)
		rc = gnutls_x509_crt_import(crt, &cert, GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		report(d, DOC_FAIL, "tls", "%s: not a PEM certificate: %s", cert_path,
		       gnutls_strerror(rc));
		goto out;
	}
	/* Loading the pair as the server's TLS does refuses a key of another
	 * certificate (GNUTLS_E_CERTIFICATE_KEY_MISMATCH). */
	rc = gnutls_certificate_allocate_credentials(&cred);
	if (rc == 0)
		rc = gnutls_certificate_set_x509_key_mem2(cred, &cert, &key, GNUTLS_X509_FMT_PEM,
		                                          NULL, 0);
	if (rc < 0) {
		report(d, DOC_FAIL, "tls", "%s with %s: %s", cert_path, key_path,
		       rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH ? "the key is not the certificate's"
		                                               : gnutls_strerror(rc));
		goto out;
	}
	char dn[256] = "";
	size_t dn_len = sizeof dn;
	if (gnutls_x509_crt_get_dn(crt, dn, &dn_len) < 0)
		snprintf(dn, sizeof dn, "?");
	int64_t expires = (int64_t)gnutls_x509_crt_get_expiration_time(crt);
	int64_t starts = (int64_t)gnutls_x509_crt_get_activation_time(crt);
	int64_t now = (int64_t)time(NULL);
	char at[32];
	doctor_when(expires, at);
	if (expires <= now)
		report(d, DOC_FAIL, "tls", "%s (%s): expired on %s: browsers refuse it", cert_path,
		       dn, at);
	else if (starts > now) {
		char from[32];
		doctor_when(starts, from);
		report(d, DOC_FAIL, "tls", "%s (%s): not valid before %s (is the clock right?)",
		       cert_path, dn, from);
	} else if (expires - now < DOCTOR_TLS_WARN_S)
		report(d, DOC_WARN, "tls", "%s (%s): expires on %s, in %lld days: renew it",
		       cert_path, dn, at, (long long)((expires - now) / 86400));
	else
		report(d, DOC_OK, "tls", "%s (%s): key matches, expires on %s, in %lld days",
		       cert_path, dn, at, (long long)((expires - now) / 86400));
out:
	if (cred)
		gnutls_certificate_free_credentials(cred);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key.data) {
		memset(key.data, 0, key.size); /* the private key */
		free(key.data);
	}
	free(cert.data);
}

/* ---- listening port ----------------------------------------------------------------- */

struct doctor_body {
	char text[2048];
	size_t len;
};

static size_t doctor_body_write(char *p, size_t size, size_t n, void *ctx)
{
	struct doctor_body *b = ctx;
	size_t len = size * n, room = sizeof b->text - 1 - b->len;
	memcpy(b->text + b->len, p, len < room ? len : room);
	b->len += len < room ? len : room;
	b->text[b->len] = '\0';
	return len;
}

/* Asks /healthz of host:port over https or http: 0 not a motcua-server (no
 * answer, or not its JSON), 1 a motcua-server whose database answers, 2 one
 * that says it is unavailable (its reason in why). Its version goes to
 * version. */
static int doctor_healthz(const char *host, int port, bool tls, char *version, size_t vlen,
                          char *why, size_t wlen)
{
	CURL *h = curl_easy_init();
	if (h == NULL)
		return 0;
	char url[300];
	bool v6 = strchr(host, ':') != NULL;
	snprintf(url, sizeof url, "%s://%s%s%s:%d/healthz", tls ? "https" : "http", v6 ? "[" : "",
	         strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1"
	         : strcmp(host, "::") == 0    ? "::1"
	                                      : host,
	         v6 ? "]" : "", port);
	struct doctor_body b = {.len = 0};
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, DOCTOR_PORT_MS);
	/* Our own certificate may be self-signed or for another name: this
	 * only asks who answers. */
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, doctor_body_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	int who = 0;
	json_t *j = curl_easy_perform(h) == CURLE_OK ? json_loads(b.text, 0, NULL) : NULL;
	const char *status = json_string_value(json_object_get(j, "status"));
	const char *v = json_string_value(json_object_get(j, "version"));
	if (status && v) {
		snprintf(version, vlen, "%.40s", v);
		who = strcmp(status, "ok") == 0 ? 1 : 2;
		const char *msg =
		    json_string_value(json_object_get(json_object_get(j, "error"), "message_en"));
		snprintf(why, wlen, "%.200s", msg ? msg : status);
	}
	json_decref(j);
	curl_easy_cleanup(h);
	return who;
}

/* Who holds host:port: doctor_healthz over the scheme the configuration
 * says (https with a certificate), then the other (the file may be out of
 * step with the running service). */
static int doctor_who_holds(const char *host, int port, bool tls, char *version, size_t vlen,
                            char *why, size_t wlen)
{
	int who = doctor_healthz(host, port, tls, version, vlen, why, wlen);
	return who ? who : doctor_healthz(host, port, !tls, version, vlen, why, wlen);
}

static void check_port(struct doctor *d, const char *listen, int port, bool tls)
{
	const char *host = listen ? listen : "127.0.0.1";
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	                         .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	char service[8];
	snprintf(service, sizeof service, "%d", port);
	int rc = getaddrinfo(host, service, &hints, &ai);
	if (rc != 0) {
		report(d, DOC_FAIL, "port", "%s:%d: %s", host, port, gai_strerror(rc));
		return;
	}
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
	int one = 1, e = 0;
	if (fd < 0)
		e = errno;
	else {
		/* As the server binds (MHD sets SO_REUSEADDR): a port in
		 * TIME_WAIT counts as free. */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0)
			e = errno;
		close(fd);
	}
	freeaddrinfo(ai);
	char version[48], why[256];
	int who = e == EADDRINUSE
	              ? doctor_who_holds(host, port, tls, version, sizeof version, why, sizeof why)
	              : 0;
	if (e == 0)
		report(d, DOC_OK, "port", "%s:%d is free", host, port);
	else if (who == 1)
		report(d, DOC_OK, "port", "%s:%d answered by motcua-server %s (running)", host,
		       port, version);
	else if (who == 2)
		report(d, DOC_FAIL, "port",
		       "%s:%d answered by motcua-server %s, which says it is unavailable: %s", host,
		       port, version, why);
	else if (e == EADDRINUSE)
		report(d, DOC_FAIL, "port",
		       "%s:%d is taken by another program (ss -ltnp 'sport = :%d')", host, port,
		       port);
	else if (e == EACCES)
		report(d, DOC_WARN, "port",
		       "%s:%d needs privilege to bind (the unit grants CAP_NET_BIND_SERVICE?)",
		       host, port);
	else
		report(d, DOC_FAIL, "port", "%s:%d cannot be bound: %s", host, port, strerror(e));
}

/* ---- the command -------------------------------------------------------------------- */

#define DOCTOR_MAX_PRINTERS 16

int cli_doctor(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"backup-dir", required_argument, NULL, 'b'},
	                                     {"tls-cert", required_argument, NULL, 'c'},
	                                     {"tls-key", required_argument, NULL, 'k'},
	                                     {"printer", required_argument, NULL, 'P'},
	                                     {"listen", required_argument, NULL, 'l'},
	                                     {"port", required_argument, NULL, 'p'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {0}};
	int status = cli_config_getopt("doctor", opts, &argc, &argv);
	if (status >= 0)
		return status;
	const char *db = NULL, *backup_dir = NULL, *cert = NULL, *key = NULL, *listen = NULL;
	const char *printers[DOCTOR_MAX_PRINTERS];
	size_t nprinters = 0;
	long port = -1;
	char *end;
	int c;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'b': backup_dir = optarg; break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'l': listen = optarg; break;
		case 'P':
			if (nprinters == DOCTOR_MAX_PRINTERS)
				return cli_usage_error("doctor", "at most %d --printer",
				                       DOCTOR_MAX_PRINTERS);
			printers[nprinters++] = optarg;
			break;
		case 'p':
			port = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || port < 1 || port > 65535)
				return cli_bad_value("doctor", "port", optarg, "(1 to 65535)");
			break;
		case 'h': fputs(doctor_usage, stdout); return 0;
		default:
			return cli_usage_error("doctor", "unknown or incomplete option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("doctor", "unexpected argument '%s'", argv[optind]);
	if ((cert == NULL) != (key == NULL))
		return cli_usage_error("doctor", "--tls-cert and --tls-key go together");

	struct doctor d = {0};
	struct store_inspection in;
	bool inspected = false;
	memset(&in, 0, sizeof in);
	if (db)
		check_database(&d, db, &in, &inspected);
	dev_t seen[2];
	size_t nseen = 0;
	if (db)
		check_disk(&d, "database", db, seen, &nseen);
	if (backup_dir)
		check_disk(&d, "backups", backup_dir, seen, &nseen);
	if (backup_dir)
		check_backup(&d, backup_dir);
	if (inspected)
		for (size_t i = 0; i < in.printer_count; i++)
			check_printer(&d, in.printers[i].name, in.printers[i].target);
	for (size_t i = 0; i < nprinters; i++)
		check_printer(&d, doctor_printer_label(printers[i]), printers[i]);
	check_clock(&d, inspected ? in.last_event : 0);
	check_timezone(&d);
	if (cert)
		check_tls(&d, cert, key);
	if (port > 0 || listen)
		check_port(&d, listen, port > 0 ? (int)port : 8080, cert != NULL);
	store_inspection_free(&in);
	return d.fails ? CLI_EXIT_FAIL : 0;
}
