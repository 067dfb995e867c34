/* motcua-counter: the shared state of one invocation, the command table, the
 * HTTP layer, the configuration file, prompts and printing. One file per
 * command (cmd_*.c), each exporting one struct cc_command (tmux-style). */
#ifndef MOTCUA_COUNTER_H
#define MOTCUA_COUNTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Exit codes: documented in README.md and `motcua-counter --help`. */
enum cc_exit {
	CC_OK = 0,
	CC_ERR = 1,         /* anything else: a server error (5xx), local I/O */
	CC_USAGE = 2,       /* bad arguments, or a prompt needed in non-interactive mode */
	CC_UNREACHABLE = 3, /* the server could not be reached (after retries) */
	CC_AUTH = 4,        /* not logged in, session expired, wrong password */
	CC_FORBIDDEN = 5,   /* 403: the role or the counter does not allow it */
	CC_REFUSED = 6,     /* another 4xx: the server refused, with its reason */
	CC_NOT_PRINTED = 7, /* saved on the server, but the print failed */
};

enum cc_lang { CC_VI, CC_EN };

/* The configuration file (config dir/counter.json, mode 0600). */
struct cc_config {
	char *server;    /* base URL without the trailing slash; NULL: not set */
	char *username;  /* of the session */
	char *token;     /* bearer token; NULL: logged out */
	int counter;     /* this counter's number, 0 until known */
	char *printer;   /* this counter's destination (URI or CUPS queue); NULL: the server's */
	json_t *secrets; /* object: dossier code -> receipt secret, for reprinting Mẫu 01 */
};

struct cc {
	struct cc_config cfg;
	char *config_dir;
	const char *server_opt; /* --server, over the configuration */
	bool json;              /* --json: print the server's JSON */
	bool verbose;           /* --verbose: add error codes and transport details */
	enum cc_lang lang;
	char key_base[40]; /* Idempotency-Key prefix of the current action */
	int key_seq;       /* mutating calls made in this action */
};

/* One entry of the command table. exec gets argv[0] = the command's name and
 * returns an enum cc_exit. */
struct cc_command {
	const char *name;
	const char *usage;
	const char *summary_vi;
	const char *summary_en;
	int (*exec)(struct cc *c, int argc, char **argv);
};

extern const struct cc_command cmd_login_entry, cmd_logout_entry, cmd_counter_entry,
    cmd_status_entry, cmd_next_entry, cmd_recall_entry, cmd_no_show_entry, cmd_transfer_entry,
    cmd_finish_entry, cmd_intake_entry, cmd_return_entry, cmd_lookup_entry, cmd_print_entry,
    cmd_reprint_entry, cmd_printers_entry, cmd_shell_entry, cmd_rejoin_entry, cmd_rating_slip_entry,
    cmd_handover_entry, cmd_result_ready_entry;

/* The vi or en text of a message, as chosen by --lang or the locale. */
#define T(c, vi, en) ((c)->lang == CC_EN ? (en) : (vi))

/* ---- output (output.c) ---- */
/* A one-line message on stderr, in the caller's language, newline added.
 * Returns code, so that `return cc_fail(c, CC_USAGE, ...)` reads straight. */
int cc_fail(struct cc *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prints the usage of cmd on stdout (help) and returns CC_OK. */
int cc_help(struct cc *c, const struct cc_command *cmd);
/* "motcua-counter CMD: usage" on stderr; returns CC_USAGE. */
int cc_usage(struct cc *c, const struct cc_command *cmd);
/* Prints j compactly on stdout followed by a newline (for --json). */
void cc_print_json(json_t *j);
/* "hh:mm dd/mm/yyyy" in office time (UTC+7) into buf; "" for t <= 0. */
const char *cc_time(int64_t t, char *buf, size_t size);
/* "dd/mm/yyyy HH:MM" in office time (UTC+7) into buf; "" for t <= 0. */
const char *cc_date_time(int64_t t, char *buf, size_t size);
/* What a clerk reads for a machine word, in c's language (the word itself
 * when unknown): a role ("counter": "cán bộ một cửa"), a document kind
 * ("original": "bản chính"), a printer state ("idle": "sẵn sàng") and one
 * printer-state-reason ("media-empty": "hết giấy"). Static strings. */
const char *cc_role_text(struct cc *c, const char *role);
const char *cc_doc_kind_text(struct cc *c, const char *kind);
const char *cc_printer_state_text(struct cc *c, const char *state);
const char *cc_printer_reason_text(struct cc *c, const char *reason);
/* The legal name of a form: "Mẫu 01" for "mau-01" (form itself when unknown). */
const char *cc_form_text(const char *form);
/* Whether a role (the session's "role") may work at a counter: every staff
 * role but the specialist's, who has no counter. */
bool cc_works_at_counter(const char *role);
/* A string member of o, or dflt when absent or not a string. */
const char *cc_str(json_t *o, const char *key, const char *dflt);
/* The entry whose "code" is code among items (an office tree's list, as
 * GET /offices gives it), or NULL when code is NULL or none has it.
 * Borrowed from items. */
json_t *cc_office_in(json_t *items, const char *code);
/* True when argv holds -h or --help. */
bool cc_wants_help(int argc, char **argv);

/* ---- names typed by the clerk (match.c) ---- */
/* Whether query names name: every word of query (a word is a run of letters
 * and digits; case and accents ignored) is a whole word of name, in the same
 * order ("van phong lao bao" names "Văn phòng HĐND và UBND xã Lao Bảo", "Văn
 * phòng" does not name "Phòng Người có công"). An empty query names nothing. */
bool cc_name_matches(const char *name, const char *query);
/* Whether query is all of name, word for word (case and accents ignored):
 * among several matches, the one whose whole name was typed is meant. */
bool cc_name_is(const char *name, const char *query);

/* ---- configuration (config.c) ---- */
/* Loads config_dir/counter.json into c->cfg (missing file: empty config).
 * Returns CC_OK or CC_ERR with a message printed. */
int cc_config_load(struct cc *c);
/* Writes c->cfg atomically with mode 0600 (the directory 0700). CC_OK or CC_ERR. */
int cc_config_save(struct cc *c);
void cc_config_free(struct cc_config *cfg);
/* The server to talk to: --server, else the configuration, else the default. */
const char *cc_server(struct cc *c);
/* CC_OK when there is a token; otherwise prints how to log in and returns CC_AUTH. */
int cc_need_login(struct cc *c);
/* CC_OK when this counter's number is known; otherwise prints how to set it. */
int cc_need_counter(struct cc *c);

/* ---- HTTP (http.c) ---- */
struct cc_response {
	long status;   /* 0 when no answer was had */
	int transport; /* CURLcode of the last try, 0 when answered */
	json_t *json;  /* the parsed body or NULL */
	char *body;    /* the raw body, NUL-terminated, or NULL */
	char errbuf[256];
};

/* Starts a new action: a fresh random Idempotency-Key prefix. Every mutating
 * call of the action gets "<prefix>-<n>", n counting its calls, and keeps that
 * key through its retries. */
void cc_new_action(struct cc *c);
/* Sends method path (under the server) with body (may be NULL; not stolen),
 * with the session's token when there is one. Transport failures and 409
 * request_in_progress are retried (3 tries, 1 s apart) with the same key.
 * Fills resp (free with cc_response_free). Returns true when answered. */
bool cc_request(struct cc *c, const char *method, const char *path, json_t *body,
                struct cc_response *resp);
void cc_response_free(struct cc_response *resp);
/* The error code of an error answer ({"error":{"code"}}), or "". */
const char *cc_error_code(const struct cc_response *resp);
/* Prints the one-line explanation of a failed response and returns its exit
 * code (CC_UNREACHABLE, CC_AUTH, CC_FORBIDDEN, CC_REFUSED, CC_ERR). */
int cc_report(struct cc *c, const struct cc_response *resp);
/* cc_request, then on a 2xx CC_OK with *out the body (caller decrefs), else
 * cc_report's code with *out NULL. */
int cc_api(struct cc *c, const char *method, const char *path, json_t *body, json_t **out);
/* cc_api without a body and without a message: CC_OK with *out (caller
 * decrefs), else CC_UNREACHABLE or CC_REFUSED with *out NULL. For lookups
 * whose failure the caller covers. */
int cc_api_quiet(struct cc *c, const char *method, const char *path, json_t **out);
/* A malloc'd copy of s escaped for a URL query or path segment (libcurl's
 * curl_easy_escape; free it with free). */
char *cc_urlencode(const char *s);

/* ---- prompts (prompt.c) ---- */
/* True when stdin is a terminal: prompts may be asked. */
bool cc_interactive(void);
/* Asks question on stderr and reads one line from stdin (without its newline);
 * returns dflt (copied) for an empty answer, NULL at end of input. Caller frees.
 * question NULL: reads the line without asking. */
char *cc_prompt(const char *question, const char *dflt);
/* Asks a yes/no question; dflt when the answer is empty or input ended. */
bool cc_confirm(struct cc *c, const char *question, bool dflt);
/* Reads a password from the terminal with echo off; NULL when there is none. */
char *cc_read_password(const char *question);

/* ---- queue helpers (queue.c) ---- */
/* GET /queue into *out. */
int cc_queue(struct cc *c, json_t **out);
/* This counter's entry in a queue snapshot, or NULL. Borrowed. */
json_t *cc_queue_counter(json_t *queue, int no);
/* The name of the group whose code is code in a queue snapshot, or NULL.
 * Borrowed from queue. */
const char *cc_group_name(json_t *queue, const char *code);
/* One line describing the queue for the groups of counter no, each group by
 * its name. Caller frees. */
char *cc_queue_line(struct cc *c, json_t *queue, int no);
/* Runs one counter action (call, recall, no-show, transfer, finish) with body
 * (may be NULL) and prints what happened; used by the commands and the shell. */
int cc_counter_action(struct cc *c, const char *op, json_t *body);
/* The body of a transfer to arg: a counter's number, or a group by its code
 * or name (accents and case ignored; "group_name" is added for the sentence
 * and not sent). CC_OK with *body (caller decrefs), else an exit code after
 * listing the groups to choose from. */
int cc_transfer_body(struct cc *c, const char *arg, json_t **body);
/* "next": calls the next ticket, finishing the one being served as served. */
int cc_call_next(struct cc *c);

/* ---- printing (print.c) ---- */
/* Prints form ("mau-01", "mau-02", "mau-03") of dossier (the staff view) at
 * this counter, copies times. secret (may be NULL) goes into the receipt's QR.
 * Returns CC_OK, or CC_NOT_PRINTED after saying why and how to reprint. */
int cc_print_form(struct cc *c, json_t *dossier, const char *form, const char *secret, int copies);
/* Where a destination for forms comes from. */
enum cc_printer_source {
	CC_PRINTER_CONFIG,  /* set on this computer (printers --set) */
	CC_PRINTER_COUNTER, /* the PDF printer the server assigns to the counter */
	CC_PRINTER_DEFAULT, /* the office's default printer */
};
/* This counter's destination for forms: the configured one, else the PDF
 * printer the server assigns to the counter, else the office's default.
 * Returns a malloc'd target and sets *source, or NULL when there is none (why
 * filled). */
char *cc_printer_dest(struct cc *c, enum cc_printer_source *source, char *why, size_t why_size);
/* What the clerk calls the destination dest: 'máy in "NAME"' with the
 * office's name of the printer whose target it is (GET /printers), else dest
 * itself (a CUPS queue or a URI set on this computer). Returns a malloc'd
 * string; caller frees. */
char *cc_printer_name(struct cc *c, const char *dest);
/* Prints the rating slip (phiếu đánh giá: the link's QR code and its token as
 * a short code) of dossier (the staff view) on this counter's ticket printer,
 * else the office default; link is the answer of POST .../rating-link.
 * Returns CC_OK, or CC_NOT_PRINTED after saying why and how to print again. */
int cc_print_rating_slip(struct cc *c, json_t *dossier, json_t *link);
/* POST /dossiers/CODE/rating-link for dossier, then cc_print_rating_slip. */
int cc_rating_slip(struct cc *c, json_t *dossier);
/* "mau-01" for "mau-01", "01", "1", "mau01"; NULL for anything else. */
const char *cc_form_name(const char *s);

#endif
