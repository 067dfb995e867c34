/* `motcua-server calendar` subcommands. Every argument is validated before
 * anything is printed, so a failing command leaves stdout empty. */
#include "cli/cli_calendar.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/amount.h"
#include "domain/civil_date.h"
#include "domain/lunar.h"
#include "cli/cli_config.h"
#include "util/xmalloc.h"

int (*cli_calendar_load_overrides)(const char *db_path, struct workcal *cal, char *err,
                                   size_t errlen) = NULL;

#define CLI_CAL_USAGE 2

static const char cli_cal__help[] =
    "usage: motcua-server calendar COMMAND [ARGS]\n"
    "\n"
    "  to-solar D/M/YYYY ...     lunar date (leap month as M+, e.g. 1/6+/2025) -> YYYY-MM-DD\n"
    "  to-lunar YYYY-MM-DD ...   Gregorian date -> D/M/YYYY (D/M+/YYYY in a leap month)\n"
    "  holidays --year YYYY [--json] [--db FILE]\n"
    "  due --from INSTANT (--days N | --hours N | --same-day) [--db FILE]\n"
    "  between --from INSTANT --to INSTANT [--db FILE]\n"
    "\n"
    "--config FILE: the database of a configuration file's db (--db wins).\n"
    "The Vietnamese lunar calendar (UTC+7), years 1900-2100. INSTANT is ISO 8601:\n"
    "YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM|-HH:MM]; without an offset it is office local\n"
    "time (UTC+7). Run `calendar COMMAND --help` for details. Invalid input exits 2.\n";

static const char cli_cal__help_to_solar[] =
    "usage: motcua-server calendar to-solar D/M/YYYY ...\n"
    "Prints the Gregorian date (YYYY-MM-DD) of each Vietnamese lunar date, one per\n"
    "line, in order. A leap month is written M+: `1/6+/2025` -> 2025-07-25.\n"
    "A day that does not exist (30 in a 29-day month, a leap flag on a month that\n"
    "is not leap that year) exits 2.\n";

static const char cli_cal__help_to_lunar[] =
    "usage: motcua-server calendar to-lunar YYYY-MM-DD ...\n"
    "Prints the Vietnamese lunar date of each Gregorian date, one per line, as\n"
    "D/M/YYYY, or D/M+/YYYY in a leap month. YYYY is the year of that lunar year's\n"
    "Tết. Dates from 1900-01-01 to 2100-12-31.\n";

static const char cli_cal__help_holidays[] =
    "usage: motcua-server calendar holidays --year YYYY [--json] [--db FILE]\n"
    "Lists the named days of the year: days off (holidays, nghỉ bù, days off by\n"
    "notice) and make-up working days, one per line:\n"
    "  YYYY-MM-DD<TAB>off|work<TAB>name<TAB>rule|override\n"
    "`rule` means computed from the Labour Code 2019 rules, `override` entered by\n"
    "an administrator (--db FILE applies the overrides stored there). --json prints\n"
    "an array of {\"date\", \"kind\", \"name\", \"source\"} instead.\n"
    "--config FILE: the database of a configuration file's db (--db wins).\n";

static const char cli_cal__help_due[] =
    "usage: motcua-server calendar due --from INSTANT (--days N | --hours N | --same-day)\n"
    "                                  [--db FILE]\n"
    "Prints the due instant (YYYY-MM-DDTHH:MM:SS+07:00) of a file received at\n"
    "INSTANT with a limit of N working days (N x 7.5 h of sessions) or N working\n"
    "hours; N may have decimals. A receipt outside working time starts at the next\n"
    "session, one at or after the 15:00 cutoff on the next working day; a due time\n"
    "on a session start is given as the end of the session before. --same-day: the\n"
    "end of the day of receipt, or of the next working day after the cutoff.\n";

static const char cli_cal__help_between[] =
    "usage: motcua-server calendar between --from INSTANT --to INSTANT [--db FILE]\n"
    "Prints the working time in [from, to) as `hours=H.HH days=D.DD`, hours of\n"
    "sessions and working days of 7.5 h, two decimals; negative when to < from.\n";

static int cli_cal__fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int cli_cal__fail(const char *fmt, ...)
{
	va_list ap;

	fputs("calendar: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_CAL_USAGE;
}

static bool cli_cal__is_help(const char *s)
{
	return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0;
}

/* Reads exactly n digits at *p into *out and advances *p. */
static bool cli_cal__digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Reads 1..max digits at *p. */
static bool cli_cal__number(const char **p, int max, int *out)
{
	int n = 0, v = 0;

	while (n < max && isdigit((unsigned char)(*p)[n])) {
		v = v * 10 + ((*p)[n] - '0');
		n++;
	}
	if (n == 0 || isdigit((unsigned char)(*p)[n]))
		return false;
	*p += n;
	*out = v;
	return true;
}

static bool cli_cal__year_ok(int y)
{
	return y >= LUNAR_FIRST_YEAR && y <= LUNAR_LAST_YEAR;
}

static bool cli_cal__parse_date(const char *s, int *y, int *m, int *d, const char **why)
{
	enum civil_instant_status st = civil_parse_date(s, y, m, d);
	if (st != CIVIL_INSTANT_OK) {
		*why = st == CIVIL_INSTANT_MALFORMED ? "expected YYYY-MM-DD" : "no such date";
		return false;
	}
	if (!cli_cal__year_ok(*y)) {
		*why = "year outside 1900-2100";
		return false;
	}
	return true;
}

/* D/M[+]/YYYY */
static bool cli_cal__parse_lunar(const char *s, struct lunar_date *ld)
{
	memset(ld, 0, sizeof(*ld));
	if (!cli_cal__number(&s, 2, &ld->day) || *s++ != '/' || !cli_cal__number(&s, 2, &ld->month))
		return false;
	if (*s == '+') {
		ld->leap = true;
		s++;
	}
	return *s++ == '/' && cli_cal__digits(&s, 4, &ld->year) && *s == '\0';
}

/* An ISO 8601 instant (civil_parse_instant); without an offset, office local
 * time. */
static bool cli_cal__parse_instant(const char *s, int local_offset, int64_t *t, const char **why)
{
	int y = 0;
	switch (civil_parse_instant(s, local_offset, t, &y)) {
	case CIVIL_INSTANT_MALFORMED:
		*why = "malformed instant (expected YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM])";
		return false;
	case CIVIL_INSTANT_NO_SUCH_DATE: *why = "no such date"; return false;
	case CIVIL_INSTANT_OK: break;
	}
	if (!cli_cal__year_ok(y)) {
		*why = "year outside 1900-2100";
		return false;
	}
	return true;
}

/* A non-negative decimal N (at most 6 decimals, at most 1e6) scaled by unit
 * seconds, rounded to the second. */
static bool cli_cal__parse_amount(const char *s, int64_t unit, int64_t *out)
{
	int64_t micro;
	if (!amount_parse_fixed(s, 1000000, 6, &micro))
		return false;
	*out = amount_scale(micro, 6, unit);
	return true;
}

static void cli_cal__format_instant(const struct workcal *cal, int64_t t, char *buf, size_t len)
{
	int off = cal->cfg.utc_offset;
	int64_t local = t + off;
	int64_t day = civil_floor_div(local, 86400);
	int sec = (int)(local - day * 86400);
	int y, m, d;

	civil_ymd_from_days((int)day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d, sec / 3600,
	         sec / 60 % 60, sec % 60, off < 0 ? '-' : '+', abs(off) / 3600, abs(off) / 60 % 60);
}

/* Builds the calendar for first..last (clipped to the supported years) and
 * applies the --db overrides. Returns 0 or an exit status. */
static int cli_cal__build(struct workcal *cal, int first, int last, const char *db)
{
	struct workcal_config cfg;
	char err[256] = "";

	if (first < WORKCAL_FIRST_YEAR)
		first = WORKCAL_FIRST_YEAR;
	if (last > WORKCAL_LAST_YEAR)
		last = WORKCAL_LAST_YEAR;
	if (last - first + 1 > WORKCAL_MAX_YEARS)
		return cli_cal__fail("span of more than %d years", WORKCAL_MAX_YEARS);
	workcal_config_default(&cfg, first, last);
	if (workcal_init(cal, &cfg) != WORKCAL_OK)
		return cli_cal__fail("cannot build the calendar for %d-%d", first, last);
	if (db) {
		if (!cli_calendar_load_overrides)
			return cli_cal__fail("--db not supported in this build");
		if (cli_calendar_load_overrides(db, cal, err, sizeof(err)) != 0) {
			fprintf(stderr, "calendar: %s: %s\n", db,
			        err[0] ? err : "cannot load overrides");
			return 1;
		}
	}
	return 0;
}

static int cli_cal__to_solar(int argc, char **argv)
{
	if (argc < 2)
		return cli_cal__fail("to-solar: expected D/M/YYYY (see --help)");
	for (int i = 1; i < argc; i++) {
		if (cli_cal__is_help(argv[i])) {
			fputs(cli_cal__help_to_solar, stdout);
			return 0;
		}
	}
	int *out = xcalloc((size_t)argc * 3, sizeof(int));
	for (int i = 1; i < argc; i++) {
		struct lunar_date ld;
		if (!cli_cal__parse_lunar(argv[i], &ld)) {
			free(out);
			return cli_cal__fail("to-solar: %s: expected D/M/YYYY or D/M+/YYYY",
			                     argv[i]);
		}
		if (ld.year < LUNAR_FIRST_YEAR || ld.year > LUNAR_LAST_YEAR) {
			free(out);
			return cli_cal__fail("to-solar: %s: year outside 1900-2100", argv[i]);
		}
		if (!lunar_to_solar(ld, &out[3 * i], &out[3 * i + 1], &out[3 * i + 2])) {
			free(out);
			return cli_cal__fail("to-solar: %s: no such lunar date", argv[i]);
		}
	}
	for (int i = 1; i < argc; i++)
		printf("%04d-%02d-%02d\n", out[3 * i], out[3 * i + 1], out[3 * i + 2]);
	free(out);
	return 0;
}

static int cli_cal__to_lunar(int argc, char **argv)
{
	if (argc < 2)
		return cli_cal__fail("to-lunar: expected YYYY-MM-DD (see --help)");
	for (int i = 1; i < argc; i++) {
		if (cli_cal__is_help(argv[i])) {
			fputs(cli_cal__help_to_lunar, stdout);
			return 0;
		}
	}
	struct lunar_date *out = xcalloc((size_t)argc, sizeof(*out));
	for (int i = 1; i < argc; i++) {
		int y, m, d;
		const char *why = "outside the lunar calendar range";
		if (!cli_cal__parse_date(argv[i], &y, &m, &d, &why) ||
		    !lunar_from_solar(y, m, d, &out[i])) {
			free(out);
			return cli_cal__fail("to-lunar: %s: %s", argv[i], why);
		}
	}
	for (int i = 1; i < argc; i++)
		printf("%d/%d%s/%d\n", out[i].day, out[i].month, out[i].leap ? "+" : "",
		       out[i].year);
	free(out);
	return 0;
}

/* Options shared by holidays, due and between. */
struct cli_cal__opts {
	const char *from, *to, *db, *days, *hours, *year, *config;
	bool json, same_day, help;
};

/* Parses --name VALUE / --flag options (getopt_long); `allowed` lists the
 * names accepted. */
static int cli_cal__parse_opts(const char *cmd, int argc, char **argv, const char *allowed,
                               struct cli_cal__opts *o)
{
	static const struct option opts[] = {{"from", required_argument, NULL, 0},
	                                     {"to", required_argument, NULL, 0},
	                                     {"db", required_argument, NULL, 0},
	                                     {"days", required_argument, NULL, 0},
	                                     {"hours", required_argument, NULL, 0},
	                                     {"year", required_argument, NULL, 0},
	                                     {"json", no_argument, NULL, 0},
	                                     {"same-day", no_argument, NULL, 0},
	                                     {"help", no_argument, NULL, 0},
	                                     {"config", required_argument, NULL, 0},
	                                     {NULL, 0, NULL, 0}};
	const char **value[] = {&o->from, &o->to, &o->db, &o->days, &o->hours,
	                        &o->year, NULL,   NULL,   NULL,     &o->config};
	bool *flag[] = {NULL, NULL, NULL, NULL, NULL, NULL, &o->json, &o->same_day, &o->help, NULL};
	int c, k, saved_opterr = opterr;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:h", opts, &k)) != -1) {
		/* The option as typed (before its value, when that was the next word). */
		const char *arg = argv[optind - 1];
		if (c == 0 && optarg == argv[optind - 1] && optind >= 2)
			arg = argv[optind - 2];
		if (c == 'h') {
			c = 0;
			k = 8; /* --help */
		}
		if (c == ':') {
			opterr = saved_opterr;
			return cli_cal__fail("%s: %s needs a value", cmd, arg);
		}
		/* Whole-word match of the option in the allowed list. */
		char name[16];
		snprintf(name, sizeof name, "--%s", c == 0 ? opts[k].name : "");
		const char *hit = c == 0 ? strstr(allowed, name) : NULL;
		size_t nl = strlen(name);
		if (!hit || (hit[nl] != ' ' && hit[nl] != '\0')) {
			opterr = saved_opterr;
			return cli_cal__fail("%s: unknown option %s (see --help)", cmd, arg);
		}
		if (flag[k]) {
			*flag[k] = true;
			continue;
		}
		if (*value[k]) {
			opterr = saved_opterr;
			return cli_cal__fail("%s: %s given twice", cmd, name);
		}
		*value[k] = optarg;
	}
	opterr = saved_opterr;
	if (optind < argc)
		return cli_cal__fail("%s: unknown option %s (see --help)", cmd, argv[optind]);
	/* --config FILE: the file's db, unless --db is given (every command
	 * taking --db takes --config, docs/configuration.md). The value is kept
	 * until exit. */
	if (o->config && !o->help) {
		static char *db;
		free(db);
		int rc = cli_config_get("calendar", o->config, "db", &db);
		if (rc)
			return rc;
		if (o->db == NULL)
			o->db = db;
	}
	return 0;
}

static int cli_cal__holidays(int argc, char **argv)
{
	struct cli_cal__opts o;
	int rc =
	    cli_cal__parse_opts("holidays", argc, argv, "--year --json --db --config --help", &o);
	if (rc)
		return rc;
	if (o.help) {
		fputs(cli_cal__help_holidays, stdout);
		return 0;
	}
	const char *p = o.year;
	int y;
	if (!p)
		return cli_cal__fail("holidays: --year is required");
	if (!cli_cal__digits(&p, 4, &y) || *p)
		return cli_cal__fail("holidays: %s: expected a year YYYY", o.year);
	if (!cli_cal__year_ok(y))
		return cli_cal__fail("holidays: %d: year outside 1900-2100", y);

	struct workcal *cal = xmalloc(sizeof(*cal));
	rc = cli_cal__build(cal, y - 1, y + 1, o.db);
	if (rc) {
		free(cal);
		return rc;
	}
	struct workcal_entry *e = xcalloc(WORKCAL_MAX_ENTRIES, sizeof(*e));
	int n = workcal_entries(cal, y, e, WORKCAL_MAX_ENTRIES);
	if (n > WORKCAL_MAX_ENTRIES)
		n = WORKCAL_MAX_ENTRIES;
	json_t *arr = o.json ? json_array() : NULL;
	for (int i = 0; i < n; i++) {
		char date[16];
		snprintf(date, sizeof(date), "%04d-%02d-%02d", e[i].year, e[i].month, e[i].day);
		const char *kind = e[i].kind == WORKCAL_DAY_WORK ? "work" : "off";
		const char *source = e[i].source == WORKCAL_SOURCE_OVERRIDE ? "override" : "rule";
		if (arr)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "date", date,
			                                     "kind", kind, "name", e[i].name,
			                                     "source", source));
		else
			printf("%s\t%s\t%s\t%s\n", date, kind, e[i].name, source);
	}
	if (arr) {
		char *s = json_dumps(arr, JSON_INDENT(2));
		if (s)
			puts(s);
		free(s);
		json_decref(arr);
	}
	free(e);
	free(cal);
	return 0;
}

static int cli_cal__due(int argc, char **argv)
{
	struct cli_cal__opts o;
	int rc = cli_cal__parse_opts("due", argc, argv,
	                             "--from --days --hours --same-day --db --config --help", &o);
	if (rc)
		return rc;
	if (o.help) {
		fputs(cli_cal__help_due, stdout);
		return 0;
	}
	if (!o.from)
		return cli_cal__fail("due: --from is required");
	if ((o.days != NULL) + (o.hours != NULL) + o.same_day != 1)
		return cli_cal__fail("due: give exactly one of --days, --hours, --same-day");

	int64_t from, amount = 0;
	const char *why;
	if (!cli_cal__parse_instant(o.from, WORKCAL_UTC_OFFSET_VN, &from, &why))
		return cli_cal__fail("due: --from %s: %s", o.from, why);
	/* 27000 s is a default working day; the real length is applied below. */
	if (o.days && !cli_cal__parse_amount(o.days, 27000, &amount))
		return cli_cal__fail("due: --days %s: expected a non-negative number", o.days);
	if (o.hours && !cli_cal__parse_amount(o.hours, 3600, &amount))
		return cli_cal__fail("due: --hours %s: expected a non-negative number", o.hours);

	int64_t local_day = civil_floor_div(from + WORKCAL_UTC_OFFSET_VN, 86400);
	int fy, fm, fd;
	civil_ymd_from_days((int)local_day, &fy, &fm, &fd);
	int64_t span = 2 + amount / (27000LL * 200);
	int last = span > WORKCAL_MAX_YEARS - 2 ? fy + WORKCAL_MAX_YEARS - 2 : fy + (int)span;

	struct workcal *cal = xmalloc(sizeof(*cal));
	rc = cli_cal__build(cal, fy - 1, last, o.db);
	if (rc) {
		free(cal);
		return rc;
	}
	if (o.days) /* rescale to this calendar's working day */
		amount = amount / 27000 * workcal_day_seconds(cal) +
		         amount % 27000 * workcal_day_seconds(cal) / 27000;
	int64_t due;
	bool ok = o.same_day ? workcal_due_same_day(cal, from, &due)
	                     : workcal_due(cal, from, amount, &due);
	if (!ok) {
		int first = cal->cfg.first_year, last_year = cal->cfg.last_year;
		free(cal);
		return cli_cal__fail("due: the due date falls outside the calendar's years %d-%d",
		                     first, last_year);
	}
	char buf[40];
	cli_cal__format_instant(cal, due, buf, sizeof(buf));
	puts(buf);
	free(cal);
	return 0;
}

static int cli_cal__between(int argc, char **argv)
{
	struct cli_cal__opts o;
	int rc = cli_cal__parse_opts("between", argc, argv, "--from --to --db --config --help", &o);
	if (rc)
		return rc;
	if (o.help) {
		fputs(cli_cal__help_between, stdout);
		return 0;
	}
	if (!o.from || !o.to)
		return cli_cal__fail("between: --from and --to are required");
	int64_t from, to, work;
	const char *why;
	if (!cli_cal__parse_instant(o.from, WORKCAL_UTC_OFFSET_VN, &from, &why))
		return cli_cal__fail("between: --from %s: %s", o.from, why);
	if (!cli_cal__parse_instant(o.to, WORKCAL_UTC_OFFSET_VN, &to, &why))
		return cli_cal__fail("between: --to %s: %s", o.to, why);

	int ya, ma, da, yb, mb, db;
	civil_ymd_from_days((int)civil_floor_div(from + WORKCAL_UTC_OFFSET_VN, 86400), &ya, &ma,
	                    &da);
	civil_ymd_from_days((int)civil_floor_div(to + WORKCAL_UTC_OFFSET_VN, 86400), &yb, &mb, &db);
	int first = ya < yb ? ya : yb, last = ya < yb ? yb : ya;
	if (last - first + 1 > WORKCAL_MAX_YEARS)
		return cli_cal__fail("between: span of more than %d years", WORKCAL_MAX_YEARS);

	struct workcal *cal = xmalloc(sizeof(*cal));
	rc = cli_cal__build(cal, first, last, o.db);
	if (rc) {
		free(cal);
		return rc;
	}
	if (!workcal_between(cal, from, to, &work)) {
		free(cal);
		return cli_cal__fail("between: instant outside the years 1900-2100");
	}
	printf("hours=%.2f days=%.2f\n", (double)work / 3600.0,
	       (double)work / workcal_day_seconds(cal));
	free(cal);
	return 0;
}

int cli_calendar(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} commands[] = {
	    {"to-solar", cli_cal__to_solar}, {"to-lunar", cli_cal__to_lunar},
	    {"holidays", cli_cal__holidays}, {"due", cli_cal__due},
	    {"between", cli_cal__between},
	};

	if (argc < 2)
		return cli_cal__fail("expected a command (see --help)");
	if (cli_cal__is_help(argv[1])) {
		fputs(cli_cal__help, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	return cli_cal__fail("unknown command %s (see --help)", argv[1]);
}
