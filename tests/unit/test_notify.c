/* Unit tests of telling the citizen: the pure part (domain/notify.h) with
 * worked examples, and the outbox on a real SQLite file (store/notify.h):
 * consent, the configuration, writing messages, claiming and finishing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/notify.h"
#include "api/notify_config.h"
#include "api/parse_notify.h"
#include "api/present_notify.h"
#include "store/notify.h"
#include "api/setup_import.h"
#include "store/setup.h"
#include "store/store.h"
#include "util/clock.h"

#include "store_fixture.h"

/* 2026-11-30 00:00 office time (UTC+7) = 2026-11-29 17:00 UTC. */
#define DAY0 ((int64_t)1764435600)
#define AT(h, m) (DAY0 + (h)*3600 + (m)*60)

/* ---- domain --------------------------------------------------------------- */

static void test_render(void **state)
{
	(void)state;
	char out[NOTIFY_TEXT_BYTES];
	struct notify_field f[] = {
	    {"office", "TTHCC Khe Sanh"},
	    {"code", "000.00.01.H56-261130-0001"},
	    {"procedure", "Đăng ký khai sinh"},
	    {"appointment", "02/12/2026"},
	    {"link", "https://dvc.example.vn/status?code=X"},
	};
	assert_true(notify_render(notify_template_text("received"), f, 5, out, sizeof out));
	assert_string_equal(out, "TTHCC Khe Sanh: đã tiếp nhận hồ sơ 000.00.01.H56-261130-0001 "
	                         "(Đăng ký khai sinh). Hẹn trả kết quả 02/12/2026. Tra cứu: "
	                         "https://dvc.example.vn/status?code=X");
	/* The optional link: left out with its words when the office has no
	 * public address (the link empty or absent), never "Tra cứu: " alone. */
	struct notify_field nolink[] = {f[0], f[1], f[2], f[3], {"link", ""}};
	assert_true(notify_render(notify_template_text("received"), nolink, 5, out, sizeof out));
	assert_string_equal(out, "TTHCC Khe Sanh: đã tiếp nhận hồ sơ 000.00.01.H56-261130-0001 "
	                         "(Đăng ký khai sinh). Hẹn trả kết quả 02/12/2026.");
	assert_true(notify_render("a[ b {code}]c[ d]", f, 4, out, sizeof out));
	assert_string_equal(out, "a b 000.00.01.H56-261130-0001c d");
	assert_true(notify_template_check("x[ {link}]", NULL));
	assert_false(notify_template_check("x[ {link}", NULL));
	assert_false(notify_template_check("x]", NULL));
	assert_false(notify_template_check("[a[b]]", NULL));
	/* A missing value renders as nothing; an unknown brace stays. */
	assert_true(notify_render("{office} {x} {", f, 1, out, sizeof out));
	assert_string_equal(out, "TTHCC Khe Sanh {x} {");
	assert_true(notify_render("a{name}b", f, 5, out, sizeof out));
	assert_string_equal(out, "ab");
	/* Cut at 1000 characters, never inside a character. */
	char big[3000];
	memset(big, 0, sizeof big);
	for (int i = 0; i < 600; i++)
		strcat(big, "đ"); /* 2 bytes each */
	struct notify_field g[] = {{"items", big}};
	assert_false(notify_render("{items}{items}", g, 1, out, sizeof out));
	assert_int_equal(strlen(out), 2000); /* 1000 × "đ" */
	char small[8];
	assert_false(notify_render("{items}", g, 1, small, sizeof small));
	assert_string_equal(small, "đđđ"); /* 6 bytes + NUL; the 4th does not fit */
}

static void test_templates(void **state)
{
	(void)state;
	for (size_t i = 0; notify_triggers[i]; i++) {
		assert_non_null(notify_template_text(notify_triggers[i]));
		assert_non_null(notify_template_subject(notify_triggers[i]));
		assert_true(notify_template_check(notify_template_text(notify_triggers[i]), NULL));
	}
	assert_null(notify_template_text("nope"));
	assert_false(notify_trigger_valid("nope"));
	assert_false(notify_trigger_valid(NULL));
	assert_true(notify_trigger_valid("booking_reminder"));
	const char *bad;
	const char *t = "Hồ sơ {cod}";
	assert_false(notify_template_check(t, &bad));
	assert_ptr_equal(bad, strchr(t, '{'));
	assert_false(notify_template_check("a } b", NULL));
	assert_false(notify_template_check("a {code", NULL));
	assert_false(notify_template_check("", NULL));
	assert_true(notify_template_check("{office}{code}", NULL));
}

static void test_phone(void **state)
{
	(void)state;
	char out[16];
	assert_true(notify_phone_international("0912345678", out));
	assert_string_equal(out, "84912345678");
	assert_true(notify_phone_international("02333123456", out));
	assert_string_equal(out, "842333123456");
	assert_false(notify_phone_international("912345678", out));
	assert_string_equal(out, "");
	assert_false(notify_phone_international("09123x5678", out));
	assert_false(notify_phone_international(NULL, out));
	assert_false(notify_phone_international("091234567890", out));
}

static void test_ascii(void **state)
{
	(void)state;
	char out[200];
	notify_ascii("Hồ sơ đã có kết quả", out, sizeof out);
	assert_string_equal(out, "Ho so da co ket qua");
	notify_ascii("ĐƯỜNG Ướt Ỹ ỵ Ă Ơ ư Ĩ ũ", out, sizeof out);
	assert_string_equal(out, "DUONG Uot Y y A O u I u");
	/* Decomposed marks (NFD) dropped; dashes and ellipsis made ASCII. */
	notify_ascii("Ho\xcc\x82\xcc\x80 \xe2\x80\x93 \xe2\x80\xa6", out, sizeof out);
	assert_string_equal(out, "Ho - ...");
	/* Other characters kept; cut at a character boundary. */
	notify_ascii("a€b", out, sizeof out);
	assert_string_equal(out, "a€b");
	char small[4];
	notify_ascii("ab€", small, sizeof small);
	assert_string_equal(small, "ab");
	assert_true(notify_has_non_ascii("đ"));
	assert_false(notify_has_non_ascii("d"));
}

static void test_sms_parts(void **state)
{
	(void)state;
	char text[400];
	bool gsm;
	int units;
	memset(text, 'a', 160);
	text[160] = '\0';
	assert_int_equal(notify_sms_parts(text, &gsm, &units), 1);
	assert_true(gsm);
	assert_int_equal(units, 160);
	text[160] = 'a';
	text[161] = '\0';
	assert_int_equal(notify_sms_parts(text, &gsm, NULL), 2); /* 161 / 153 */
	memset(text, 'a', 306);
	text[306] = '\0';
	assert_int_equal(notify_sms_parts(text, &gsm, NULL), 2);
	text[306] = 'a';
	text[307] = '\0';
	assert_int_equal(notify_sms_parts(text, &gsm, NULL), 3);
	/* Extension characters take two septets. */
	assert_int_equal(notify_sms_parts("{}", &gsm, &units), 1);
	assert_int_equal(units, 4);
	/* One Vietnamese letter makes it Unicode: 70, then 67 a part. */
	text[0] = '\0';
	strcat(text, "đ");
	for (int i = 0; i < 69; i++)
		strcat(text, "a");
	assert_int_equal(notify_sms_parts(text, &gsm, &units), 1);
	assert_false(gsm);
	assert_int_equal(units, 70);
	strcat(text, "a");
	assert_int_equal(notify_sms_parts(text, &gsm, NULL), 2); /* 71 / 67 */
	for (int i = 0; i < 63; i++)
		strcat(text, "a");
	assert_int_equal(notify_sms_parts(text, &gsm, &units), 2); /* 134 */
	strcat(text, "a");
	assert_int_equal(notify_sms_parts(text, &gsm, NULL), 3); /* 135 */
	assert_int_equal(notify_sms_parts("", &gsm, NULL), 0);
	/* é and è are GSM; ê is not. */
	assert_int_equal(notify_sms_parts("éè", &gsm, NULL), 1);
	assert_true(gsm);
	notify_sms_parts("ê", &gsm, NULL);
	assert_false(gsm);
	/* The built-in received text of a usual dossier (215 characters) needs
	 * 4 Unicode parts but 2 GSM ones without diacritics (the "auto" rule
	 * sends that). */
	char out[NOTIFY_TEXT_BYTES], plain[NOTIFY_TEXT_BYTES];
	struct notify_field f[] = {{"office", "Trung tâm Phục vụ hành chính công xã Khe Sanh"},
	                           {"code", "000.00.01.H56-261130-0001"},
	                           {"procedure", "Đăng ký khai sinh"},
	                           {"appointment", "02/12/2026"},
	                           {"link", "https://dvc.quangtri.gov.vn/status?code=000.00.01."
	                                    "H56-261130-0001"}};
	notify_render(notify_template_text("received"), f, 5, out, sizeof out);
	assert_int_equal(notify_sms_parts(out, &gsm, &units), 4);
	assert_int_equal(units, 215);
	notify_ascii(out, plain, sizeof plain);
	assert_int_equal(notify_sms_parts(plain, &gsm, NULL), 2);
	assert_true(gsm);
}

static void test_quiet(void **state)
{
	(void)state;
	int off = 7 * 3600, from = 21 * 60, to = 7 * 60;
	assert_int_equal(notify_quiet_next(AT(22, 0), from, to, off), AT(24 + 7, 0));
	assert_int_equal(notify_quiet_next(AT(20, 59), from, to, off), AT(20, 59));
	assert_int_equal(notify_quiet_next(AT(21, 0), from, to, off), AT(24 + 7, 0));
	assert_int_equal(notify_quiet_next(AT(3, 15), from, to, off), AT(7, 0));
	assert_int_equal(notify_quiet_next(AT(7, 0), from, to, off), AT(7, 0));
	/* Within one day: 12:00–13:30. */
	assert_int_equal(notify_quiet_next(AT(12, 10), 720, 810, off), AT(13, 30));
	assert_int_equal(notify_quiet_next(AT(13, 30), 720, 810, off), AT(13, 30));
	assert_int_equal(notify_quiet_next(AT(11, 0), 720, 810, off), AT(11, 0));
	/* from == to: none. */
	assert_int_equal(notify_quiet_next(AT(23, 0), 600, 600, off), AT(23, 0));
	assert_int_equal(notify_hhmm("21:00"), 1260);
	assert_int_equal(notify_hhmm("00:00"), 0);
	assert_int_equal(notify_hhmm("23:59"), 1439);
	assert_int_equal(notify_hhmm("24:00"), -1);
	assert_int_equal(notify_hhmm("7:00"), -1);
	assert_int_equal(notify_hhmm("07:60"), -1);
	assert_int_equal(notify_hhmm(NULL), -1);
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(notify_backoff_seconds(1), 30);
	assert_int_equal(notify_backoff_seconds(2), 60);
	assert_int_equal(notify_backoff_seconds(3), 120);
	assert_int_equal(notify_backoff_seconds(7), 1920);
	assert_int_equal(notify_backoff_seconds(8), 3600);
	assert_int_equal(notify_backoff_seconds(40), 3600);
	assert_int_equal(notify_backoff_seconds(0), 30);
}

/* ---- store ---------------------------------------------------------------- */

static const struct principal admin = {.role = ROLE_ADMIN, .actor = "test:admin"};

/* A store of one centre with a public address and one service group, on
 * the test clock at 10:00. */
static int setup(void **state)
{
	if (store_fixture_setup(state) != 0)
		return -1;
	struct store_fixture *f = *state;
	clock_enable_test_mode();
	clock_set(AT(10, 0));
	json_t *bundle = json_loads(
	    "{\"office\":{\"code\":\"TT-KS\",\"name\":\"TTHCC Khe Sanh\",\"public_url\":"
	    "\"https://dvc.example.vn\"},"
	    "\"service_groups\":[{\"code\":\"CT\",\"prefix\":\"A\",\"name\":\"Chứng thực\"}]}",
	    0, NULL);
	struct mc_error err;
	enum mc_err rc = setup_import(f->st, &admin, bundle, NULL, &err);
	json_decref(bundle);
	if (rc != MC_OK) {
		store_fixture_teardown(state);
		return -1;
	}
	return 0;
}

/* Runs a query on its own connection: the first column of the first row as
 * text into out ("" when none). */
static void query(struct store_fixture *f, const char *sql, char *out, size_t len)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	out[0] = '\0';
	sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static enum mc_err set_config(struct store_fixture *f, const char *text, struct mc_error *err)
{
	json_t *cfg = json_loads(text, 0, NULL);
	assert_non_null(cfg);
	enum mc_err rc = store_begin(f->st, err);
	assert_int_equal(rc, MC_OK);
	rc = notify_config_set(f->st, cfg, err);
	if (rc)
		store_rollback(f->st);
	else
		rc = store_commit(f->st, err);
	json_decref(cfg);
	return rc;
}

/* The typed configuration's rules, without a database. */
static void test_config_rules(void **state)
{
	(void)state;
	struct notify_config cfg;
	notify_config_init(&cfg);
	/* Defaults: 21:00-07:00, 8 attempts, 3 days, built-in texts. */
	assert_int_equal(cfg.quiet_from, 21 * 60);
	assert_int_equal(cfg.quiet_to, 7 * 60);
	assert_int_equal(cfg.max_attempts, 8);
	assert_int_equal(cfg.reminder_days, 3);
	bool custom = true;
	assert_string_equal(notify_config_text(&cfg, "received", &custom),
	                    notify_template_text("received"));
	assert_false(custom);
	assert_null(notify_config_text(&cfg, "nope", NULL));
	/* The setting's text wins; its subject stays built-in. */
	cfg.text[notify_trigger_index("reminder")] = strdup("{office}: {code}");
	assert_string_equal(notify_config_text(&cfg, "reminder", &custom), "{office}: {code}");
	assert_true(custom);
	assert_string_equal(notify_config_subject(&cfg, "reminder", &custom),
	                    notify_template_subject("reminder"));
	assert_false(custom);
	/* Triggers off per office code. */
	cfg.off = calloc(1, sizeof cfg.off[0]);
	cfg.off[0].office = strdup("TT-KS");
	cfg.off[0].triggers = 1u << notify_trigger_index("reminder");
	cfg.n_off = 1;
	assert_true(notify_config_trigger_off(&cfg, "TT-KS", "reminder"));
	assert_false(notify_config_trigger_off(&cfg, "TT-KS", "received"));
	assert_false(notify_config_trigger_off(&cfg, "UB-KS", "reminder"));
	/* Quiet hours: 22:00 office time (15:00 UTC) → 07:00 next day. */
	int64_t t = 1764601200; /* 2025-12-01 15:00 UTC = 22:00 +07 */
	assert_int_equal(notify_config_quiet_next(&cfg, t, 7 * 3600), t + 9 * 3600);
	/* Retry: back-off then quiet hours; dead at max_attempts or permanent. */
	int64_t nb;
	assert_int_equal(notify_after_failure(&cfg, false, 1, true, t, 7 * 3600, &nb),
	                 NOTIFY_NEXT_QUEUED);
	assert_int_equal(nb, t + 30);
	assert_int_equal(notify_after_failure(&cfg, false, 1, false, t, 7 * 3600, &nb),
	                 NOTIFY_NEXT_QUEUED);
	assert_int_equal(nb, t + 9 * 3600);
	assert_int_equal(notify_after_failure(&cfg, false, 8, true, t, 7 * 3600, &nb),
	                 NOTIFY_NEXT_DEAD);
	assert_int_equal(nb, t);
	assert_int_equal(notify_after_failure(&cfg, true, 1, true, t, 7 * 3600, &nb),
	                 NOTIFY_NEXT_DEAD);
	/* SMS without diacritics: never for ASCII; auto only past 2 parts. */
	assert_false(notify_sms_use_ascii(NOTIFY_ASCII_ALWAYS, "Ho so da co ket qua"));
	assert_true(notify_sms_use_ascii(NOTIFY_ASCII_ALWAYS, "Hồ sơ"));
	assert_false(notify_sms_use_ascii(NOTIFY_ASCII_AUTO, "Hồ sơ"));
	assert_false(notify_sms_use_ascii(NOTIFY_ASCII_NEVER, "Hồ sơ"));
	char longtext[1000] = "";
	for (int i = 0; i < 20; i++)
		strcat(longtext, "Hồ sơ đã có kết quả. ");
	assert_true(notify_sms_use_ascii(NOTIFY_ASCII_AUTO, longtext));
	assert_false(notify_sms_use_ascii(NOTIFY_ASCII_NEVER, longtext));
	/* Channels by name. */
	assert_int_equal(notify_channel_of("sms"), NOTIFY_SMS);
	assert_int_equal(notify_channel_of("fax"), -1);
	notify_config_clear(&cfg);
	assert_null(cfg.off);
	assert_int_equal(cfg.max_attempts, 8);
}

/* A dossier's message: who speaks, which appointment, which fields. */
static void test_dossier_message(void **state)
{
	(void)state;
	const struct notify_dossier_facts f = {
	    .code = "TT-KS-261130-0001",
	    .name = "Nguyễn Thị Lan",
	    .procedure = "Đăng ký khai sinh",
	    .due_at = 1000,
	    .apology_due_at = 2000,
	    .apology_reason = "Cần xác minh",
	    .pending_items = "CCCD; Sổ hộ khẩu",
	    .intake_office_id = 7,
	    .return_office_id = 9,
	};
	assert_int_equal(notify_dossier_office("received", &f), 7);
	assert_int_equal(notify_dossier_office("apology", &f), 7);
	assert_int_equal(notify_dossier_office("result_ready", &f), 9);
	assert_int_equal(notify_dossier_office("reminder", &f), 9);
	assert_int_equal(notify_dossier_appointment("received", &f), 1000);
	assert_int_equal(notify_dossier_appointment("apology", &f), 2000);
	struct notify_field out[6];
	assert_int_equal(notify_dossier_fields("received", &f, "02/12/2026 14:00", out), 4);
	assert_string_equal(out[3].name, "appointment");
	assert_int_equal(notify_dossier_fields("apology", &f, "x", out), 5);
	assert_string_equal(out[4].name, "reason");
	assert_int_equal(notify_dossier_fields("supplement", &f, "x", out), 5);
	assert_string_equal(out[4].name, "items");
	assert_string_equal(out[4].value, "CCCD; Sổ hộ khẩu");
	/* An empty appointment (no due instant) is left out. */
	assert_int_equal(notify_dossier_fields("result_ready", &f, "", out), 3);
}

/* The configuration as the store reads it back with SQL. */
static void test_config_read(void **state)
{
	struct store_fixture *f = *state;
	struct mc_error err;
	assert_int_equal(
	    set_config(f,
	               "{\"quiet_hours\":{\"from\":\"22:30\",\"to\":\"06:15\"},\"max_attempts\":5,"
	               "\"reminder_days\":10,\"sms\":{\"url\":\"http://s\",\"ascii\":\"always\"},"
	               "\"templates\":{\"reminder\":{\"subject\":\"S {code}\"}},"
	               "\"triggers_off\":{\"TT-KS\":[\"reminder\",\"apology\"]}}",
	               &err),
	    MC_OK);
	struct notify_config cfg;
	store_notify_config_get(f->st, &cfg);
	assert_int_equal(cfg.quiet_from, 22 * 60 + 30);
	assert_int_equal(cfg.quiet_to, 6 * 60 + 15);
	assert_int_equal(cfg.max_attempts, 5);
	assert_int_equal(cfg.reminder_days, 10);
	assert_false(cfg.configured[NOTIFY_EMAIL]);
	assert_true(cfg.configured[NOTIFY_SMS]);
	assert_int_equal(cfg.sms_ascii, NOTIFY_ASCII_ALWAYS);
	int r = notify_trigger_index("reminder");
	assert_null(cfg.text[r]);
	assert_string_equal(cfg.subject[r], "S {code}");
	assert_int_equal(cfg.n_off, 1);
	assert_true(notify_config_trigger_off(&cfg, "TT-KS", "apology"));
	assert_false(notify_config_trigger_off(&cfg, "TT-KS", "received"));
	notify_config_clear(&cfg);
}

static void test_consent(void **state)
{
	(void)state;
	struct mc_error err;
	char *out = (char *)1;
	json_t *n = json_loads("{\"channels\":[\"zalo\",\"sms\",\"sms\"]}", 0, NULL);
	assert_int_equal(notify_consent_parse(n, "0912345678", NULL, &out, &err), MC_OK);
	assert_string_equal(out, "{\"channels\":[\"sms\",\"zalo\"],\"any_hour\":false}");
	free(out);
	/* e-mail without an address, sms without a phone: refused. */
	assert_int_equal(notify_consent_parse(n, NULL, "a@b.vn", &out, &err), MC_ERR_INVALID);
	assert_string_equal(err.code, "invalid_field");
	assert_non_null(strstr(err.message_en, "notify"));
	json_decref(n);
	n = json_loads("{\"channels\":[\"email\"],\"any_hour\":true}", 0, NULL);
	assert_int_equal(notify_consent_parse(n, NULL, "", &out, &err), MC_ERR_INVALID);
	assert_int_equal(notify_consent_parse(n, NULL, "a@b.vn", &out, &err), MC_OK);
	assert_string_equal(out, "{\"channels\":[\"email\"],\"any_hour\":true}");
	free(out);
	json_decref(n);
	/* Bad shapes. */
	const char *bad[] = {"[]",
	                     "{\"channels\":[\"fax\"]}",
	                     "{\"channels\":\"sms\"}",
	                     "{\"any_hour\":1}",
	                     "{\"chanels\":[]}",
	                     "\"sms\""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = json_loads(bad[i], JSON_DECODE_ANY, NULL);
		assert_int_equal(notify_consent_parse(n, "0912345678", "a@b.vn", &out, &err),
		                 MC_ERR_INVALID);
		assert_null(out);
		json_decref(n);
	}
	/* null or no channel: nothing to store. */
	assert_int_equal(notify_consent_parse(NULL, NULL, NULL, &out, &err), MC_OK);
	assert_null(out);
	n = json_loads("{\"channels\":[]}", 0, NULL);
	assert_int_equal(notify_consent_parse(n, NULL, NULL, &out, &err), MC_OK);
	assert_null(out);
	json_decref(n);
}

static const char *full_config =
    "{\"quiet_hours\":{\"from\":\"21:00\",\"to\":\"07:00\"},\"max_attempts\":3,"
    "\"email\":{\"url\":\"smtp://127.0.0.1:2525\",\"from\":\"TT <k@x.vn>\","
    "\"password\":\"pw\"},"
    "\"sms\":{\"url\":\"http://127.0.0.1:9/send\",\"token\":\"tok\",\"brand\":\"TTHCC\","
    "\"ascii\":\"auto\"}}";

static void test_config(void **state)
{
	struct store_fixture *f = *state;
	struct mc_error err;
	char v[4000];
	assert_int_equal(set_config(f, full_config, &err), MC_OK);
	json_t *pub = notify_config_public(f->st);
	char *text = json_dumps(pub, JSON_COMPACT);
	assert_null(strstr(text, "\"pw\""));
	assert_null(strstr(text, "\"tok\""));
	assert_non_null(strstr(text, "\"password\":true"));
	free(text);
	json_decref(pub);
	const char *bad[][2] = {
	    {"{\"colour\":1}", "unknown_setting"},
	    {"{\"sms\":{\"url\":\"ftp://x\"}}", "invalid_setting"},
	    {"{\"sms\":{\"url\":\"http://x\",\"brand\":\"TRUNG TAM HCC\"}}", "invalid_setting"},
	    {"{\"sms\":{\"url\":\"http://x\",\"ascii\":\"sometimes\"}}", "invalid_setting"},
	    {"{\"sms\":{\"url\":\"http://x\",\"extra\":1}}", "unknown_setting"},
	    {"{\"email\":{\"url\":\"http://x\"}}", "invalid_setting"},
	    {"{\"quiet_hours\":{\"from\":\"21:00\",\"to\":\"7h\"}}", "invalid_setting"},
	    {"{\"max_attempts\":0}", "invalid_setting"},
	    {"{\"templates\":{\"received\":{\"text\":\"{nope}\"}}}", "invalid_setting"},
	    {"{\"templates\":{\"gone\":{\"text\":\"x\"}}}", "unknown_setting"},
	    {"{\"triggers_off\":{\"NOWHERE\":[\"reminder\"]}}", "invalid_setting"},
	    {"{\"triggers_off\":{\"TT-KS\":[\"nope\"]}}", "invalid_setting"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(set_config(f, bad[i][0], &err), MC_ERR_INVALID);
		assert_string_equal(err.code, bad[i][1]);
	}
	/* Nothing changed by the refusals. */
	query(f,
	      "SELECT json_extract(value, '$.max_attempts') FROM settings WHERE key = "
	      "'notify_config'",
	      v, sizeof v);
	assert_string_equal(v, "3");
	/* The zalo refresh token seeds the tokens table once. */
	assert_int_equal(
	    set_config(f,
	               "{\"zalo\":{\"url\":\"http://z\",\"token_url\":\"http://"
	               "t\",\"app_id\":\"1\",\"secret_key\":\"k\",\"refresh_token\":\"R1\"}}",
	               &err),
	    MC_OK);
	struct store_notify_token t;
	assert_int_equal(store_notify_token_get(f->st, "zalo", &t, &err), MC_OK);
	assert_string_equal(t.refresh_token, "R1");
	assert_int_equal(store_notify_token_put(f->st, "zalo", "A2", "R2", 99, &err), MC_OK);
	assert_int_equal(
	    set_config(f,
	               "{\"zalo\":{\"url\":\"http://z\",\"token_url\":\"http://"
	               "t\",\"app_id\":\"1\",\"secret_key\":\"k\",\"refresh_token\":\"R1\"}}",
	               &err),
	    MC_OK);
	assert_int_equal(store_notify_token_get(f->st, "zalo", &t, &err), MC_OK);
	assert_string_equal(t.refresh_token, "R2"); /* the refreshed one wins */
	assert_string_equal(t.access_token, "A2");
	assert_int_equal(
	    set_config(f,
	               "{\"zalo\":{\"url\":\"http://z\",\"token_url\":\"http://"
	               "t\",\"app_id\":\"1\",\"secret_key\":\"k\",\"refresh_token\":\"R9\"}}",
	               &err),
	    MC_OK);
	assert_int_equal(store_notify_token_get(f->st, "zalo", &t, &err), MC_OK);
	assert_string_equal(t.refresh_token, "R9"); /* a new one from the bundle */
	assert_string_equal(t.access_token, "");
}

static enum mc_err enqueue(struct store_fixture *f, const char *trigger, const char *consent,
                           const char *phone, const char *email, struct mc_error *err)
{
	const struct notify_field fields[] = {{"code", "000.00.01.H56-261130-0001"},
	                                      {"procedure", "Đăng ký khai sinh"},
	                                      {"appointment", "02/12/2026"},
	                                      {"secret", "K7M2"}};
	struct notify_request rq = {
	    .trigger = trigger,
	    .office_id = 0,
	    .ref_kind = "dossier",
	    .ref_id = 0,
	    .consent = consent,
	    .phone = phone,
	    .email = email,
	    .fields = fields,
	    .n_fields = sizeof fields / sizeof fields[0],
	    .actor = "user:1",
	};
	char v[32];
	query(f, "SELECT id FROM offices WHERE code = 'TT-KS'", v, sizeof v);
	rq.office_id = atoll(v);
	enum mc_err rc = store_begin(f->st, err);
	assert_int_equal(rc, MC_OK);
	rc = store_notify_enqueue(f->st, &rq, err);
	if (rc)
		store_rollback(f->st);
	else
		rc = store_commit(f->st, err);
	return rc;
}

static void test_enqueue(void **state)
{
	struct store_fixture *f = *state;
	struct mc_error err;
	char v[4000];
	assert_int_equal(set_config(f, full_config, &err), MC_OK);
	/* No consent, or a channel not configured (zalo): nothing. */
	assert_int_equal(enqueue(f, "received", NULL, "0912345678", NULL, &err), MC_OK);
	assert_int_equal(enqueue(f, "received", "{\"channels\":[\"zalo\"],\"any_hour\":false}",
	                         "0912345678", NULL, &err),
	                 MC_OK);
	query(f, "SELECT count(*) FROM notifications", v, sizeof v);
	assert_string_equal(v, "0");
	/* 10:00: sms and e-mail, due now. */
	assert_int_equal(enqueue(f, "received",
	                         "{\"channels\":[\"email\",\"sms\"],\"any_hour\":false}",
	                         "0912 345 678", "dan@example.vn", &err),
	                 MC_OK);
	query(f,
	      "SELECT group_concat(channel || ' ' || recipient || ' ' || (not_before - "
	      "created_at), '|') FROM (SELECT * FROM notifications ORDER BY id)",
	      v, sizeof v);
	assert_string_equal(v, "email dan@example.vn 0|sms 84912345678 0");
	query(f, "SELECT body FROM notifications WHERE channel = 'email'", v, sizeof v);
	assert_string_equal(v, "TTHCC Khe Sanh: đã tiếp nhận hồ sơ 000.00.01.H56-261130-0001 "
	                       "(Đăng ký khai sinh). Hẹn trả kết quả 02/12/2026. Tra cứu: "
	                       "https://dvc.example.vn/status?code=000.00.01.H56-261130-0001"
	                       "&secret=K7M2");
	query(f, "SELECT subject FROM notifications WHERE channel = 'email'", v, sizeof v);
	assert_string_equal(v, "Đã tiếp nhận hồ sơ 000.00.01.H56-261130-0001");
	/* The SMS needs 3 Unicode parts: sent without diacritics ("auto"). */
	query(f, "SELECT body FROM notifications WHERE channel = 'sms'", v, sizeof v);
	assert_string_equal(v, "TTHCC Khe Sanh: da tiep nhan ho so 000.00.01.H56-261130-0001 "
	                       "(Dang ky khai sinh). Hen tra ket qua 02/12/2026. Tra cuu: "
	                       "https://dvc.example.vn/status?code=000.00.01.H56-261130-0001"
	                       "&secret=K7M2");
	query(f, "SELECT subject IS NULL FROM notifications WHERE channel = 'sms'", v, sizeof v);
	assert_string_equal(v, "1");
	/* The secret is not kept in the data; the event names no recipient. */
	query(f, "SELECT data FROM notifications WHERE channel = 'sms'", v, sizeof v);
	assert_null(strstr(v, "\"secret\""));
	assert_non_null(strstr(v, "\"office\":\"TTHCC Khe Sanh\""));
	query(f,
	      "SELECT count(*) || ' ' || max(details) FROM events WHERE action = "
	      "'notification.queued'",
	      v, sizeof v);
	assert_string_equal(v, "2 {\"channel\":\"sms\",\"ref_kind\":\"dossier\",\"trigger\":"
	                       "\"received\"}");
	/* 22:00: held until 07:00, unless any hour. */
	clock_set(AT(22, 0));
	assert_int_equal(enqueue(f, "result_ready", "{\"channels\":[\"sms\"],\"any_hour\":false}",
	                         "0912345678", NULL, &err),
	                 MC_OK);
	query(f, "SELECT not_before FROM notifications ORDER BY id DESC LIMIT 1", v, sizeof v);
	assert_int_equal(atoll(v), AT(24 + 7, 0));
	assert_int_equal(enqueue(f, "result_ready", "{\"channels\":[\"sms\"],\"any_hour\":true}",
	                         "0912345678", NULL, &err),
	                 MC_OK);
	query(f, "SELECT not_before FROM notifications ORDER BY id DESC LIMIT 1", v, sizeof v);
	assert_int_equal(atoll(v), AT(22, 0));
	/* A trigger switched off for the centre: nothing. */
	assert_int_equal(set_config(f,
	                            "{\"sms\":{\"url\":\"http://x\"},\"triggers_off\":{\"TT-KS\":"
	                            "[\"reminder\"]},\"templates\":{\"result_ready\":{\"text\":"
	                            "\"KQ {code}\"}}}",
	                            &err),
	                 MC_OK);
	query(f, "SELECT count(*) FROM notifications", v, sizeof v);
	assert_string_equal(v, "4");
	assert_int_equal(enqueue(f, "reminder", "{\"channels\":[\"sms\"],\"any_hour\":true}",
	                         "0912345678", NULL, &err),
	                 MC_OK);
	query(f, "SELECT count(*) FROM notifications", v, sizeof v);
	assert_string_equal(v, "4");
	/* The office's own template. */
	assert_int_equal(enqueue(f, "result_ready", "{\"channels\":[\"sms\"],\"any_hour\":true}",
	                         "0912345678", NULL, &err),
	                 MC_OK);
	query(f, "SELECT body FROM notifications ORDER BY id DESC LIMIT 1", v, sizeof v);
	assert_string_equal(v, "KQ 000.00.01.H56-261130-0001");
	/* A subject whose placeholder is long is cut to 200 characters (the
	 * change it belongs to is never refused for its message). */
	assert_int_equal(set_config(f,
	                            "{\"email\":{\"url\":\"smtp://x\",\"from\":\"TT "
	                            "<k@x.vn>\"},\"templates\":{\"apology\":"
	                            "{\"subject\":\"Xin lỗi {procedure}{procedure}{procedure}"
	                            "{procedure}{procedure}{procedure}{procedure}{procedure}"
	                            "{procedure}{procedure}{procedure}{procedure}{procedure}\"}}}",
	                            &err),
	                 MC_OK);
	assert_int_equal(enqueue(f, "apology", "{\"channels\":[\"email\"],\"any_hour\":true}", NULL,
	                         "dan@example.vn", &err),
	                 MC_OK);
	query(f, "SELECT length(subject) FROM notifications ORDER BY id DESC LIMIT 1", v, sizeof v);
	assert_string_equal(v, "200");
	clock_set(AT(10, 0));
}

/* The store's typed answers as the routes present them. */
static enum mc_err resend_view(struct store_fixture *f, const struct principal *who, int64_t id,
                               int64_t now, json_t **view, struct mc_error *err)
{
	struct notify_row row;
	enum mc_err rc = store_notify_resend(f->st, who, id, now, &row, err);
	*view = rc ? NULL : present_notification(&row);
	notify_row_clear(&row);
	return rc;
}

static enum mc_err list_view(struct store_fixture *f, const struct principal *who, json_t *q,
                             json_t **view, struct mc_error *err)
{
	struct notify_list_query lq;
	struct notify_list list;
	enum mc_err rc = notify_list_query_parse(q, &lq, err);
	if (rc == MC_OK)
		rc = store_notify_list(f->st, who, &lq, &list, err);
	*view = rc ? NULL : present_notification_list(&list);
	if (rc == MC_OK)
		notify_list_free(&list);
	return rc;
}

static void test_outbox(void **state)
{
	struct store_fixture *f = *state;
	struct mc_error err;
	char v[4000], st8[8];
	struct store_notify_claim c1, c2, c3;
	bool found;
	assert_int_equal(set_config(f, full_config, &err), MC_OK); /* max_attempts 3 */
	const char *any = "{\"channels\":[\"sms\"],\"any_hour\":true}";
	assert_int_equal(enqueue(f, "received", any, "0912345678", NULL, &err), MC_OK);
	assert_int_equal(enqueue(f, "result_ready", any, "0912345678", NULL, &err), MC_OK);
	assert_int_equal(enqueue(f, "received", any, "0987654321", NULL, &err), MC_OK);
	int64_t now = AT(10, 0);
	/* Nothing due on e-mail. */
	assert_int_equal(store_notify_claim(f->st, "email", now, &c1, &found, &err), MC_OK);
	assert_false(found);
	/* The first of 0912…, then not its second (the first is sending): the
	 * other recipient's. */
	assert_int_equal(store_notify_claim(f->st, "sms", now, &c1, &found, &err), MC_OK);
	assert_true(found);
	assert_int_equal(c1.id, 1);
	assert_int_equal(c1.attempts, 1);
	assert_string_equal(c1.recipient, "84912345678");
	assert_non_null(strstr(c1.body, "tiep nhan"));
	assert_int_equal(store_notify_claim(f->st, "sms", now, &c2, &found, &err), MC_OK);
	assert_true(found);
	assert_int_equal(c2.id, 3);
	assert_int_equal(store_notify_claim(f->st, "sms", now, &c3, &found, &err), MC_OK);
	assert_false(found);
	/* A retry waits 30 s and keeps 0912…'s second behind it. */
	assert_int_equal(store_notify_finish(f->st, c1.id, STORE_NOTIFY_RETRY, "HTTP 500", NULL,
	                                     "HTTP 500", now, st8, &err),
	                 MC_OK);
	assert_string_equal(st8, "queued");
	assert_int_equal(store_notify_claim(f->st, "sms", now + 29, &c3, &found, &err), MC_OK);
	assert_false(found);
	assert_int_equal(store_notify_claim(f->st, "sms", now + 30, &c3, &found, &err), MC_OK);
	assert_true(found);
	assert_int_equal(c3.id, 1);
	assert_int_equal(c3.attempts, 2);
	store_notify_claim_free(&c3);
	/* Finishing a row not sending is refused. */
	assert_int_equal(
	    store_notify_finish(f->st, 2, STORE_NOTIFY_SENT, NULL, NULL, NULL, now, st8, &err),
	    MC_ERR_CONFLICT);
	assert_int_equal(store_notify_finish(f->st, c2.id, STORE_NOTIFY_SENT, "{\"code\":\"00\"}",
	                                     "P-1", NULL, now, st8, &err),
	                 MC_OK);
	assert_string_equal(st8, "sent");
	/* A crash while sending: another server's start leaves the row to this
	 * one (its claim is fresh); this one's start takes it back, queued, due
	 * now. */
	int n;
	char me[STORE_INSTANCE_MAX + 1];
	snprintf(me, sizeof me, "%s", store_instance(f->st));
	store_instance_set(f->st, "another-server:8080");
	assert_int_equal(store_notify_recover(f->st, now + 40, &n, &err), MC_OK);
	assert_int_equal(n, 0);
	query(f, "SELECT state || ' ' || claimed_by FROM notifications WHERE id = 1", v, sizeof v);
	char want[STORE_INSTANCE_MAX + 16];
	snprintf(want, sizeof want, "sending %s", me);
	assert_string_equal(v, want);
	store_instance_set(f->st, me);
	assert_int_equal(store_notify_recover(f->st, now + 40, &n, &err), MC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_notify_claim(f->st, "sms", now + 40, &c3, &found, &err), MC_OK);
	assert_int_equal(c3.id, 1);
	assert_int_equal(c3.attempts, 3);
	store_notify_claim_free(&c3);
	/* The third failure of 3: dead, the raw answer kept. */
	assert_int_equal(store_notify_finish(f->st, 1, STORE_NOTIFY_RETRY, "garbage<>", NULL,
	                                     "not JSON", now + 40, st8, &err),
	                 MC_OK);
	assert_string_equal(st8, "dead");
	query(f,
	      "SELECT state || ' ' || attempts || ' ' || provider_answer || ' ' || last_error"
	      " FROM notifications WHERE id = 1",
	      v, sizeof v);
	assert_string_equal(v, "dead 3 garbage<> not JSON");
	/* Then 0912…'s second is free to go. */
	assert_int_equal(store_notify_claim(f->st, "sms", now + 40, &c3, &found, &err), MC_OK);
	assert_int_equal(c3.id, 2);
	assert_int_equal(store_notify_finish(f->st, 2, STORE_NOTIFY_PERMANENT, "HTTP 400", NULL,
	                                     "refused", now + 40, st8, &err),
	                 MC_OK);
	assert_string_equal(st8, "dead");
	store_notify_claim_free(&c3);
	/* Resend: a new queued row; a pending row is not resent. */
	json_t *view;
	assert_int_equal(resend_view(f, &admin, 1, now + 50, &view, &err), MC_OK);
	assert_int_equal(json_integer_value(json_object_get(view, "resend_of")), 1);
	assert_string_equal(json_string_value(json_object_get(view, "state")), "queued");
	int64_t new_id = json_integer_value(json_object_get(view, "id"));
	json_decref(view);
	assert_int_equal(resend_view(f, &admin, new_id, now + 50, &view, &err), MC_ERR_CONFLICT);
	assert_string_equal(err.code, "notification_pending");
	assert_int_equal(resend_view(f, &admin, 999, now + 50, &view, &err), MC_ERR_NOT_FOUND);
	/* The list: filters and paging. */
	json_t *q = json_pack("{s:s}", "state", "dead");
	assert_int_equal(list_view(f, &admin, q, &view, &err), MC_OK);
	assert_int_equal(json_integer_value(json_object_get(view, "total")), 2);
	json_decref(view);
	json_decref(q);
	q = json_pack("{s:s}", "ref", "000.00.01.H56-261130-0001");
	assert_int_equal(list_view(f, &admin, q, &view, &err), MC_OK);
	assert_int_equal(json_integer_value(json_object_get(view, "total")),
	                 0); /* no dossier row */
	json_decref(view);
	json_decref(q);
	q = json_pack("{s:s}", "state", "lost");
	assert_int_equal(list_view(f, &admin, q, &view, &err), MC_ERR_INVALID);
	json_decref(q);
	store_notify_claim_free(&c1);
	store_notify_claim_free(&c2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_templates),
	    cmocka_unit_test(test_phone),
	    cmocka_unit_test(test_ascii),
	    cmocka_unit_test(test_sms_parts),
	    cmocka_unit_test(test_quiet),
	    cmocka_unit_test(test_backoff),
	    cmocka_unit_test(test_consent),
	    cmocka_unit_test(test_config_rules),
	    cmocka_unit_test(test_dossier_message),
	    cmocka_unit_test_setup_teardown(test_config, setup, store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_config_read, setup, store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_enqueue, setup, store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_outbox, setup, store_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
