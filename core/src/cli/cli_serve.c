/* serve and demo: run the HTTP server until SIGINT or SIGTERM. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "api/present_office.h"
#include "api/setup_import.h"
#include "cli/cli.h"
#include "cli/cli_config.h"
#include "cli/simulate.h"
#include "store/auth.h"
#include "store/hall_plan.h"
#include "store/office.h"
#include "store/print.h"
#include "store/setup.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/paths.h"
#include "util/sdnotify.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Claims st's database for this one server: an exclusive flock on
 * "<db>.serve-lock", held until the process ends (the kernel releases it
 * even after kill -9). Two servers on one file would each keep their own
 * queue snapshot, caches and streams and disagree. The lock is on a file of
 * its own, never the database: closing any descriptor of the database would
 * drop SQLite's own locks on it. Returns the descriptor, or -1 with err;
 * -2 for a PostgreSQL database, which several servers share (each hears the
 * others' events through the database). */
static int cli_claim_database(struct store *st, struct mc_error *err)
{
	char path[4096];
	if (!store_target_is_file(store_path(st)))
		return -2;
	if (snprintf(path, sizeof path, "%s.serve-lock", store_path(st)) >= (int)sizeof path) {
		mc_fail(err, MC_ERR_INVALID, "path_too_long", "Đường dẫn quá dài",
		        "the database path is too long");
		return -1;
	}
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		mc_failf(err, MC_ERR_UNAVAILABLE, "db_lock_failed",
		         "Không tạo được tệp khóa cơ sở dữ liệu", "cannot open %s: %s", path,
		         strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		mc_failf(err, MC_ERR_CONFLICT, "db_in_use",
		         "Cơ sở dữ liệu đang được một máy chủ khác phục vụ",
		         "another motcua-server is serving %s (its lock %s is held)",
		         store_path(st), path);
		return -1;
	}
	return fd;
}

/* Where an address in a banner starts: cli_run puts the server's own. */
#define CLI_BASE "@BASE@"

/* Runs the server on st until a stop signal. banner (optional) is printed
 * once the server listens. */
static int cli_run(const char *cmd, struct store *st, const struct api_config *cfg,
                   const char *banner)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	/* Block before threads start so only sigwait below sees them. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct api *api = NULL;
	struct mc_error err;
	int lock = cli_claim_database(st, &err);
	if (lock == -1)
		return cli_fail(cmd, &err);
	if (api_start(st, cfg, &api, &err) != MC_OK) {
		if (lock >= 0)
			close(lock);
		int rc = cli_fail(cmd, &err);
		/* A TLS file unreadable, not PEM, or a key not the certificate's:
		 * a restart cannot mend it (exit 2 stops systemd's restarts). */
		return strncmp(err.code, "tls_", 4) == 0 ? CLI_EXIT_USAGE : rc;
	}
	const char *scheme = cfg->tls_cert ? "https" : "http";
	const char *host = cfg->listen ? cfg->listen : "127.0.0.1";
	if (cfg->tls_cert == NULL && strncmp(host, "127.", 4) != 0)
		fprintf(stderr,
		        "%smotcua-server: warning: listening on %s without TLS: passwords, session "
		        "cookies and device tokens cross the network in clear; use --tls-cert and "
		        "--tls-key (or a TLS proxy on this machine and --listen 127.0.0.1)\n",
		        log_journal_prefix(LOG_WARN), host);
	printf("motcua-server: listening on %s://%s:%d%s\n", scheme, host, api_port(api),
	       clock_is_test_mode() ? " (test clock)" : "");
	if (banner) {
		/* Addresses in the banner start with CLI_BASE: the one this
		 * server answers on (the real port, when --port 0 took any). */
		size_t n = strlen(CLI_BASE);
		for (const char *p = banner, *q; *p; p = q + n) {
			q = strstr(p, CLI_BASE);
			if (q == NULL) {
				fputs(p, stdout);
				break;
			}
			printf("%.*s%s://%s:%d", (int)(q - p), p, scheme,
			       strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1" : host, api_port(api));
		}
	}
	fflush(stdout);
	/* systemd (Type=notify) counts the service started from here on: the
	 * socket listens and the database is open. */
	char *state =
	    xasprintf("READY=1\nSTATUS=listening on %s://%s:%d", scheme, host, api_port(api));
	if (sdnotify_send(state) < 0)
		log_warn("cannot tell systemd the server is ready (NOTIFY_SOCKET): %s",
		         strerror(errno));
	free(state);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: stopping", sig);
	sdnotify_send("STOPPING=1\nSTATUS=stopping");
	api_stop(api);
	if (lock >= 0)
		close(lock);
	return 0;
}

struct serve_opts {
	const char *db;
	struct api_config cfg;
	const char *printer;  /* --printer: the office's default destination */
	enum log_level level; /* --log-level */
	bool demo;            /* demo: also --bundle and --simulate-days */
	const char *bundle;   /* demo --bundle */
	long simulate_days;   /* demo --simulate-days */
};

/* Points the office's default printer at o->printer, when given. */
static int cli_set_printer(const char *cmd, struct store *st, const struct serve_opts *o)
{
	static const struct principal actor = {.role = ROLE_ADMIN, .actor = "system:cli"};
	struct mc_error err;
	if (o->printer && store_printer_set_default(st, &actor, o->printer, &err) != MC_OK)
		return cli_fail(cmd, &err);
	return 0;
}

/* The options serve and demo share. */
/* clang-format off */
#define SERVE_OPTIONS \
	{"db", required_argument, NULL, 'd'}, \
	{"listen", required_argument, NULL, 'l'}, \
	{"port", required_argument, NULL, 'p'}, \
	{"tls-cert", required_argument, NULL, 'c'}, \
	{"tls-key", required_argument, NULL, 'k'}, \
	{"threads", required_argument, NULL, 't'}, \
	{"heartbeat-ms", required_argument, NULL, 'b'}, \
	{"max-connections", required_argument, NULL, 'M'}, \
	{"per-address-connections", required_argument, NULL, 'A'}, \
	{"head-timeout-ms", required_argument, NULL, 'H'}, \
	{"body-timeout-ms", required_argument, NULL, 'B'}, \
	{"max-streams", required_argument, NULL, 'S'}, \
	{"streams-per-token", required_argument, NULL, 'E'}, \
	{"streams-per-address", required_argument, NULL, 'G'}, \
	{"logins-per-minute", required_argument, NULL, 'L'}, \
	{"test-clock", no_argument, NULL, 'T'}, \
	{"printer", required_argument, NULL, 'P'}, \
	{"idempotency-key-file", required_argument, NULL, 'I'}, \
	{"log-level", required_argument, NULL, 'v'}, \
	{"backup-dir", required_argument, NULL, 'D'}, \
	{"instance", required_argument, NULL, 'N'}, \
	{"help", no_argument, NULL, 'h'}
/* clang-format on */

/* Parses the options serve and demo share (and demo's own, o->demo), with the
 * settings of --config
 * FILE before the command line's (cli_config_getopt), and sets the log
 * level. Returns -1 to go on, else an exit status. The strings of o point
 * into argv or the expanded argv, both kept until exit. */
static int cli_serve_opts(const char *cmd, int argc, char **argv, struct serve_opts *o,
                          const char *usage)
{
	static const struct option serve_table[] = {SERVE_OPTIONS, {0}};
	static const struct option demo_table[] = {SERVE_OPTIONS,
	                                           {"bundle", required_argument, NULL, 'U'},
	                                           {"simulate-days", required_argument, NULL, 'Y'},
	                                           {0}};
	const struct option *opts = o->demo ? demo_table : serve_table;
	int c, status;
	char *end;
	long v;
	o->level = LOG_INFO;
	if ((status = cli_config_getopt(cmd, opts, &argc, &argv)) >= 0)
		return status;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'l': o->cfg.listen = optarg; break;
		case 'c': o->cfg.tls_cert = optarg; break;
		case 'k': o->cfg.tls_key = optarg; break;
		case 'T': clock_enable_test_mode(); break;
		case 'P': o->printer = optarg; break;
		case 'I': o->cfg.idem_key_file = optarg; break;
		case 'D': o->cfg.backup_dir = optarg; break;
		case 'N':
			if (*optarg == '\0' || strlen(optarg) > STORE_INSTANCE_MAX)
				return cli_bad_value(cmd, "instance", optarg, "(1 to 120 bytes)");
			o->cfg.instance = optarg;
			break;
		case 'v':
			if (!log_level_parse(optarg, &o->level))
				return cli_bad_value(cmd, "log-level", optarg,
				                     "(debug, info, warn or error)");
			break;
		case 'p':
		case 't':
		case 'b':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 0 || (c == 'p' && v > 65535) ||
			    (c == 't' && v > 256) || (c == 'b' && (v < 100 || v > 600000)))
				return cli_bad_value(cmd,
				                     c == 'p'   ? "port"
				                     : c == 't' ? "threads"
				                                : "heartbeat-ms",
				                     optarg,
				                     c == 'p'   ? "(0 to 65535)"
				                     : c == 't' ? "(0 to 256)"
				                                : "(100 to 600000)");
			if (c == 'p')
				o->cfg.port = (int)v;
			else if (c == 't')
				o->cfg.threads = (int)v;
			else
				o->cfg.heartbeat_ms = (int)v;
			break;
		case 'M':
		case 'A':
		case 'H':
		case 'B':
		case 'S':
		case 'E':
		case 'G':
		case 'L':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 1 ||
			    v > ((c == 'H' || c == 'B') ? 600000 : 1000000))
				return cli_bad_value(cmd,
				                     c == 'M'   ? "max-connections"
				                     : c == 'A' ? "per-address-connections"
				                     : c == 'H' ? "head-timeout-ms"
				                     : c == 'B' ? "body-timeout-ms"
				                     : c == 'S' ? "max-streams"
				                     : c == 'E' ? "streams-per-token"
				                     : c == 'G' ? "streams-per-address"
				                                : "logins-per-minute",
				                     optarg,
				                     (c == 'H' || c == 'B') ? "(1 to 600000)"
				                                            : "(1 to 1000000)");
			if (c == 'M')
				o->cfg.max_connections = (int)v;
			else if (c == 'A')
				o->cfg.per_address_limit = (int)v;
			else if (c == 'H')
				o->cfg.head_timeout_ms = (int)v;
			else if (c == 'B')
				o->cfg.body_timeout_ms = (int)v;
			else if (c == 'S')
				o->cfg.max_streams = (int)v;
			else if (c == 'E')
				o->cfg.streams_per_token = (int)v;
			else if (c == 'G')
				o->cfg.streams_per_address = (int)v;
			else
				o->cfg.logins_per_minute = (int)v;
			break;
		case 'U': o->bundle = optarg; break;
		case 'Y':
			o->simulate_days = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || o->simulate_days < 0 ||
			    o->simulate_days > 730)
				return cli_bad_value(cmd, "simulate-days", optarg, "(0 to 730)");
			break;
		case 'h': fputs(usage, stdout); return 0;
		default:
			return cli_usage_error(cmd, "unknown or incomplete option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	log_set_level(o->level);
	return -1;
}

static const char serve_usage[] =
    "usage: motcua-server serve --db FILE [--config FILE] [--listen ADDR] [--port N]\n"
    "         [--tls-cert PEM --tls-key PEM] [--threads N] [--heartbeat-ms N] [--test-clock]\n"
    "         [--printer QUEUE|URI] [--idempotency-key-file KEYFILE]\n"
    "         [--log-level debug|info|warn|error] [--backup-dir DIR] [--instance NAME]\n"
    "         [--max-connections N] [--per-address-connections N]\n"
    "         [--head-timeout-ms N] [--body-timeout-ms N] [--max-streams N]\n"
    "         [--streams-per-token N] [--streams-per-address N] [--logins-per-minute N]\n"
    "Serves the office in FILE. --port 0 takes a free port (printed on start).\n"
    "Limits against clients that hold connections (defaults): all connections (the\n"
    "open-file limit, raised to its hard limit, less 128; at most 16384), connections\n"
    "from one address (256: an office behind one NAT shares it), the whole request\n"
    "head (10000 ms) and body (30000 ms), event streams (3/4 of the connections, at\n"
    "most 12000; a larger --max-streams is lowered to 3/4, with a warning, so that\n"
    "ordinary requests always find a connection; 8 per token, 64 per address),\n"
    "login attempts from one address, right or wrong (30 a minute).\n"
    "--idempotency-key-file: the key sealing stored Idempotency-Key answers\n"
    "(default FILE.idem-key, created 0600 at first start; keep it apart from backups).\n"
    "--printer points the office's default printer at a CUPS queue or an ipp:// URI.\n"
    "--test-clock lets an admin set the clock (PUT /api/v1/test/clock): tests only.\n"
    "--config FILE: settings \"key = value\" named as these options (e.g. port = 8080),\n"
    "before the command line's, so a flag wins (docs/configuration.md).\n"
    "--log-level (info): the lowest level logged on standard error. --backup-dir: the\n"
    "nightly backups' folder, for /metrics' age of the newest backup.\n"
    "--instance (host name:port): this server's name on the print jobs and messages\n"
    "its workers claim; servers sharing a PostgreSQL database need distinct names.\n"
    "Under systemd (Type=notify) tells READY=1 once listening and STOPPING=1 on\n"
    "SIGTERM; logs carry the journal's priority when stderr is the journal.\n";

int cli_serve(int argc, char **argv)
{
	struct serve_opts o = {.cfg = {.port = 8080}};
	int rc = cli_serve_opts("serve", argc, argv, &o, serve_usage);
	if (rc >= 0)
		return rc;
	if (o.db == NULL)
		return cli_usage_error("serve", "--db FILE is required");
	struct stat sb;
	bool file = store_target_is_file(o.db);
	if (file && stat(o.db, &sb) != 0 && errno != ENOENT) {
		/* A folder the server's user may not enter: exit 2 as well. */
		fprintf(stderr,
		        "%smotcua-server serve: cannot reach the database %s: %s (can the user "
		        "the server runs as read it and its folder?)\n",
		        log_journal_prefix(LOG_ERROR), o.db, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	if (file && stat(o.db, &sb) != 0) {
		/* Exit 2: systemd does not restart (RestartPreventExitStatus=2),
		 * restarting cannot make the database appear. */
		fprintf(stderr,
		        "%smotcua-server serve: the database %s does not exist (%s): run "
		        "motcua-server init --db %s --password-stdin first, as the user the "
		        "server runs as, then import the office (installed: "
		        "/usr/share/doc/motcua-server/install.md; source: docs/install.md)\n",
		        log_journal_prefix(LOG_ERROR), o.db, strerror(errno), o.db);
		return CLI_EXIT_USAGE;
	}
	log_debug("serve: database %s, log level %s, backup folder %s", o.db,
	          log_level_name(o.level), o.cfg.backup_dir ? o.cfg.backup_dir : "(none)");
	struct store *st = NULL;
	struct mc_error err;
	/* systemctl status shows it while an upgrade's migration runs. */
	sdnotify_send("STATUS=opening the database (and migrating it after an upgrade)");
	if (store_open_mode(o.db, STORE_OPEN_EXISTING, &st, &err) != MC_OK) {
		rc = cli_fail("serve", &err);
		/* Not a motcua database: a wrong --db or a file emptied, which a
		 * restart cannot mend (exit 2 stops systemd's restarts). */
		return strcmp(err.code, "not_a_motcua_database") == 0 ? CLI_EXIT_USAGE : rc;
	}
	if ((rc = cli_set_printer("serve", st, &o)) != 0) {
		store_close(st);
		return rc;
	}
	rc = cli_run("serve", st, &o.cfg, NULL);
	store_close(st);
	return rc;
}

static const char demo_usage[] =
    "usage: motcua-server demo [--db FILE] [--bundle FILE] [--simulate-days N] [--port N]\n"
    "         [--listen ADDR] [--printer QUEUE|URI] [--config FILE] (and serve's options)\n"
    "Creates (once) and serves the demo province: Quảng Trị's provincial centre and\n"
    "four commune centres, each with its hall, staff and devices, the authorities\n"
    "and the procedures (demo data). Default database: demo.db. --simulate-days N\n"
    "also plays N days of history at every centre into a new database. Prints each\n"
    "centre's kiosk and hall board addresses with their device tokens, and a dossier\n"
    "of that history with its lookup secret and /status address.\n";

/* Creates the demo database: admin account, bundle, and a file beside it with
 * the demo device tokens (they are shown only at creation). */
static int cli_demo_create(const char *db, const char *bundle_path, const char *tokens_path)
{
	struct store *st = NULL;
	struct mc_error err;
	json_error_t jerr;
	json_t *report = NULL;
	static const struct principal actor = {.role = ROLE_ADMIN, .actor = "system:demo"};
	int status = 0;

	json_t *bundle = json_load_file(bundle_path, JSON_REJECT_DUPLICATES, &jerr);
	if (bundle == NULL)
		return cli_usage_error("demo", "%s: %s", bundle_path, jerr.text);
	if (store_open(db, &st, &err) != MC_OK ||
	    store_user_create(st, actor.actor, "admin", "Quản trị hệ thống (demo)", ROLE_ADMIN,
	                      "admin-demo-2026", true, NULL, &err) != MC_OK ||
	    setup_import(st, &actor, bundle, &report, &err) != MC_OK) {
		status = cli_fail("demo", &err);
		store_close(st);
		if (store_target_is_file(db))
			remove(db);
		json_decref(bundle);
		return status;
	}
	json_dump_file(json_object_get(report, "devices_created"), tokens_path, JSON_INDENT(2));
	json_decref(report);
	json_decref(bundle);
	store_close(st);
	return 0;
}

/* The password the bundle gives username, or NULL. Borrowed from bundle. */
static json_t *cli_demo_user(json_t *bundle, const char *username)
{
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(bundle, "users"), i, u)
	{
		const char *name = json_string_value(json_object_get(u, "username"));
		if (name && strcmp(name, username) == 0)
			return u;
	}
	return NULL;
}

static const char *cli_demo_password(json_t *bundle, const char *username)
{
	return json_string_value(json_object_get(cli_demo_user(bundle, username), "password"));
}

/* The token of the device named name in the tokens file's list, or NULL. */
static const char *cli_demo_token(json_t *devs, const char *name)
{
	size_t i;
	json_t *d;
	json_array_foreach(devs, i, d)
	{
		const char *n = json_string_value(json_object_get(d, "name"));
		if (n && name && strcmp(n, name) == 0)
			return json_string_value(json_object_get(d, "token"));
	}
	return NULL;
}

/* The demo's banner: the province, then for each centre its kiosk and hall
 * board addresses with their device tokens, its public page and a clerk's
 * login, then the province's logins. Addresses start with CLI_BASE, which
 * cli_run replaces with the address the server listens on. Passwords come
 * from the bundle (bundle_path), tokens from the file written at creation
 * (tokens_path). Returns newly allocated text (the caller frees it). */
static char *cli_demo_banner(struct store *st, const char *db, const char *bundle_path,
                             const char *tokens_path, const char *examples_path,
                             const char *printer)
{
	struct strbuf b = STRBUF_INIT;
	struct mc_error err;
	json_t *plan = NULL;
	json_t *bundle = json_load_file(bundle_path, 0, NULL);
	json_t *devs = json_load_file(tokens_path, 0, NULL);
	json_t *examples = json_load_file(examples_path, 0, NULL);
	json_t *root = present_office_id(st, store_office_root(st));
	struct hall_plan hp;
	if (store_hall_plan(st, &hp, &err) == MC_OK) {
		plan = present_hall_plan(&hp);
		hall_plan_clear(&hp);
	}
	if (plan == NULL)
		plan = json_object();
	json_t *users = json_object_get(plan, "users");
	strbuf_printf(&b,
	              "\nDemo province (demo data): %s\n"
	              "  database:     %s\n"
	              "  public page:  " CLI_BASE "/public\n"
	              "  feedback:     " CLI_BASE "/gop-y  (góp ý, phản ánh)\n"
	              "  booking:      " CLI_BASE "/dat-lich  (đặt lịch hẹn)\n"
	              "  supervisor:   " CLI_BASE "/supervisor\n"
	              "  counter desk: " CLI_BASE "/counter  (a clerk's login below)\n"
	              "  health:       " CLI_BASE "/healthz\n",
	              root ? json_string_value(json_object_get(root, "name")) : "?", db);
	size_t i, k;
	json_t *o, *x;
	json_array_foreach(json_object_get(plan, "offices"), i, o)
	{
		const char *kind = json_string_value(json_object_get(o, "kind"));
		const char *code = json_string_value(json_object_get(o, "code"));
		if (strcmp(kind, "centre") != 0 && strcmp(kind, "point") != 0)
			continue;
		strbuf_printf(&b, "Centre %s (%s)\n", json_string_value(json_object_get(o, "name")),
		              code);
		json_array_foreach(json_object_get(plan, "devices"), k, x)
		{
			const char *office = json_string_value(json_object_get(x, "office"));
			const char *name = json_string_value(json_object_get(x, "name"));
			const char *token = cli_demo_token(devs, name);
			bool kiosk =
			    strcmp(json_string_value(json_object_get(x, "kind")), "kiosk") == 0;
			if (office == NULL || strcmp(office, code) != 0)
				continue;
			if (token)
				strbuf_printf(&b, "  %-12s" CLI_BASE "/%s?access_token=%s\n",
				              kiosk ? "kiosk:" : "hall board:",
				              kiosk ? "kiosk" : "board", token);
			else
				strbuf_printf(
				    &b, "  %-12s%s (token shown only when the database was made)\n",
				    kiosk ? "kiosk:" : "hall board:", name);
		}
		strbuf_printf(&b, "  %-13s" CLI_BASE "/public?office=%s\n", "public page:", code);
		strbuf_printf(&b, "  %-13s" CLI_BASE "/gop-y?office=%s\n", "feedback:", code);
		strbuf_printf(&b, "  %-13s" CLI_BASE "/dat-lich?office=%s\n", "booking:", code);
		json_array_foreach(examples, k, x)
		{
			const char *centre = json_string_value(json_object_get(x, "centre"));
			const char *dcode = json_string_value(json_object_get(x, "code"));
			const char *secret = json_string_value(json_object_get(x, "secret"));
			if (centre && dcode && secret && strcmp(centre, code) == 0)
				strbuf_printf(&b,
				              "  %-13s%s (lookup secret %s)\n"
				              "  %-13s" CLI_BASE "/status?code=%s&secret=%s\n",
				              "dossier:", dcode, secret, "status page:", dcode,
				              secret);
		}
		json_array_foreach(users, k, x)
		{
			const char *office = json_string_value(json_object_get(x, "office"));
			const char *name = json_string_value(json_object_get(x, "username"));
			const char *pw = cli_demo_password(bundle, name);
			if (office && strcmp(office, code) == 0 &&
			    strcmp(json_string_value(json_object_get(x, "role")), "counter") == 0 &&
			    pw) {
				strbuf_printf(&b, "  %-12s%s / %s\n", "clerk:", name, pw);
				break;
			}
		}
	}
	strbuf_printf(&b, "Demo logins (username / password):\n"
	                  "  admin / admin-demo-2026  (quản trị, cả tỉnh)\n");
	json_array_foreach(users, k, x)
	{
		const char *office = json_string_value(json_object_get(x, "office"));
		const char *name = json_string_value(json_object_get(x, "username"));
		const char *role = json_string_value(json_object_get(x, "role"));
		const char *pw = cli_demo_password(bundle, name);
		if (pw == NULL || strcmp(role, "supervisor") != 0)
			continue;
		const char *kind = NULL, *where = NULL;
		json_array_foreach(json_object_get(plan, "offices"), i, o)
		{
			if (office &&
			    strcmp(json_string_value(json_object_get(o, "code")), office) == 0) {
				kind = json_string_value(json_object_get(o, "kind"));
				where = json_string_value(json_object_get(o, "name"));
			}
		}
		bool head = json_is_true(json_object_get(cli_demo_user(bundle, name), "head"));
		strbuf_printf(&b, "  %s / %s  (giám sát, %s%s)\n", name, pw,
		              kind == NULL || strcmp(kind, "province") == 0 ? "cả tỉnh" : where,
		              head ? "; trưởng đơn vị: duyệt trả lời phản ánh" : "");
	}
	/* The demo's own rule, when the bundle keeps it. */
	bool rule = true;
	json_array_foreach(json_object_get(bundle, "users"), k, x)
	{
		const char *name = json_string_value(json_object_get(x, "username"));
		const char *pw = json_string_value(json_object_get(x, "password"));
		if (name && pw &&
		    (strncmp(pw, name, strlen(name)) != 0 ||
		     strcmp(pw + strlen(name), "-demo") != 0))
			rule = false;
	}
	if (rule)
		strbuf_printf(&b, "  every other demo account: its username followed by -demo\n");
	if (printer)
		strbuf_printf(&b, "Printer (every centre's default, kiosk tickets): %s\n", printer);
	json_decref(root);
	json_decref(plan);
	json_decref(devs);
	json_decref(examples);
	json_decref(bundle);
	return b.data ? b.data : xstrdup("");
}

int cli_demo(int argc, char **argv)
{
	struct serve_opts o = {.db = "demo.db", .cfg = {.port = 8080}, .demo = true};
	/* The installed demo province (share/motcua, util/paths.h). */
	static char default_bundle[4096];
	snprintf(default_bundle, sizeof default_bundle, "%s/demo-bundle.json", paths_data_dir());
	o.bundle = default_bundle;
	int rc = cli_serve_opts("demo", argc, argv, &o, demo_usage);
	if (rc >= 0)
		return rc;
	const char *bundle = o.bundle;
	long simulate_days = o.simulate_days;
	/* Beside the database file; for a PostgreSQL database, in the folder the
	 * demo runs in. */
	const char *stem = store_target_is_file(o.db) ? o.db : "motcua-demo";
	char *tokens = xasprintf("%s.devices.json", stem);
	/* One dossier per centre from the simulated history, to try the
	 * citizen's lookup with (only its hash is in the database). */
	char *examples = xasprintf("%s.dossiers.json", stem);
	bool fresh = store_target_state(o.db) == STORE_TARGET_NONE;
	if (fresh)
		remove(examples);
	if (fresh && (rc = cli_demo_create(o.db, bundle, tokens)) != 0) {
		free(tokens);
		free(examples);
		return rc;
	}
	struct store *st = NULL;
	struct mc_error err;
	if (store_open_mode(o.db, STORE_OPEN_EXISTING, &st, &err) != MC_OK) {
		free(tokens);
		free(examples);
		return cli_fail("demo", &err);
	}
	if (fresh && simulate_days > 0) {
		/* A history, so the supervisor's page and the reports show
		 * something real from the first minute. */
		struct simulate_report rep;
		if (simulate_province(st, (int)simulate_days, 1, &rep, &err) != MC_OK) {
			free(tokens);
			free(examples);
			store_close(st);
			return cli_fail("demo", &err);
		}
		json_t *list = json_array();
		for (int k = 0; k < rep.nexamples; k++)
			json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "centre",
			                                      rep.examples[k].centre, "code",
			                                      rep.examples[k].code, "secret",
			                                      rep.examples[k].secret));
		json_dump_file(list, examples, JSON_INDENT(2));
		json_decref(list);
		printf("demo history: %d working days at %d centres, %d tickets, %d dossiers"
		       " (%d received for another unit)\n",
		       rep.days, rep.centres, rep.tickets, rep.dossiers, rep.boundary_free);
	}
	if ((rc = cli_set_printer("demo", st, &o)) != 0) {
		free(tokens);
		free(examples);
		store_close(st);
		return rc;
	}
	char *banner = cli_demo_banner(st, o.db, bundle, tokens, examples, o.printer);
	free(tokens);
	free(examples);
	rc = cli_run("demo", st, &o.cfg, banner);
	free(banner);
	store_close(st);
	return rc;
}
