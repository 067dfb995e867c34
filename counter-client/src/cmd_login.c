/* login: opens a session (POST /session) and keeps its token, with the server
 * and the counter, in the configuration file (mode 0600). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "util/xmalloc.h"

static int cmd_login(struct cc *c, int argc, char **argv)
{
	static const struct option opts[] = {{"user", required_argument, NULL, 'u'},
	                                     {"password-stdin", no_argument, NULL, 'p'},
	                                     {"counter", required_argument, NULL, 'n'},
	                                     {NULL, 0, NULL, 0}};
	const char *user = NULL;
	bool from_stdin = false;
	int counter = 0, o, rc;
	optind = 0; /* a fresh scan: main read the global options with getopt_long */
	while ((o = getopt_long(argc, argv, "u:n:", opts, NULL)) != -1) {
		switch (o) {
		case 'u': user = optarg; break;
		case 'p': from_stdin = true; break;
		case 'n':
			counter = atoi(optarg);
			if (counter < 1)
				return cc_usage(c, &cmd_login_entry);
			break;
		default: return cc_usage(c, &cmd_login_entry);
		}
	}
	if (optind < argc)
		user = argv[optind++];
	if (optind < argc)
		return cc_usage(c, &cmd_login_entry);

	char *name = user ? xstrdup(user) : NULL;
	if (name == NULL && cc_interactive())
		name = cc_prompt(T(c, "Tên đăng nhập", "User name"), c->cfg.username);
	if (name == NULL || *name == '\0') {
		free(name);
		return cc_fail(c, CC_USAGE,
		               T(c, "Cần tên đăng nhập: motcua-counter login --user TÊN",
		                 "A user name is needed: motcua-counter login --user NAME"));
	}
	char *password = NULL;
	if (from_stdin) {
		password = cc_prompt(NULL, NULL);
	} else {
		password = cc_read_password(T(c, "Mật khẩu", "Password"));
		if (password == NULL) {
			free(name);
			return cc_fail(
			    c, CC_USAGE,
			    T(c, "Không có màn hình để hỏi mật khẩu: dùng --password-stdin",
			      "No terminal to ask the password on: use --password-stdin"));
		}
	}
	if (password == NULL)
		password = xstrdup("");

	/* A new session replaces the old one: the request goes without a token. */
	free(c->cfg.token);
	c->cfg.token = NULL;
	json_t *body = json_pack("{s:s, s:s}", "username", name, "password", password);
	struct cc_response resp;
	cc_request(c, "POST", "/api/v1/session", body, &resp);
	memset(password, 0, strlen(password));
	free(password);
	json_decref(body);
	if (resp.status == 401) {
		rc = cc_fail(c, CC_AUTH,
		             T(c, "Sai tên đăng nhập hoặc mật khẩu. Hãy thử lại.",
		               "Wrong user name or password. Try again."));
	} else if (resp.status != 201 && resp.status != 200) {
		rc = cc_report(c, &resp);
	} else {
		const char *token = cc_str(resp.json, "token", NULL);
		const char *role = cc_str(resp.json, "role", "?");
		if (token == NULL) {
			rc = cc_fail(c, CC_ERR, "%s",
			             T(c, "Máy chủ không trả mã phiên.",
			               "The server gave no session token."));
		} else {
			free(c->cfg.server);
			c->cfg.server = xstrdup(cc_server(c));
			free(c->cfg.username);
			c->cfg.username = xstrdup(name);
			c->cfg.token = xstrdup(token);
			if (counter > 0)
				c->cfg.counter = counter;
			rc = cc_config_save(c);
			if (rc == CC_OK && c->json) {
				json_object_del(resp.json, "token");
				cc_print_json(resp.json);
			} else if (rc == CC_OK) {
				printf(T(c, "Đã đăng nhập %s (%s) tại %s.",
				         "Logged in as %s (%s) at %s."),
				       name, cc_role_text(c, role), c->cfg.server);
				const char *office =
				    cc_str(json_object_get(resp.json, "office"), "name", NULL);
				if (office)
					printf(T(c, " Đơn vị: %s.", " Office: %s."), office);
				/* A specialist works at no counter: none is shown. */
				if (c->cfg.counter > 0 && cc_works_at_counter(role))
					printf(T(c, " Quầy: %d.", " Counter: %d."), c->cfg.counter);
				putchar('\n');
			}
		}
	}
	cc_response_free(&resp);
	free(name);
	return rc;
}

const struct cc_command cmd_login_entry = {
    "login", "[--user NAME] [--password-stdin] [--counter N]",
    "Đăng nhập (mật khẩu hỏi không hiện chữ, hoặc đọc từ stdin); lưu phiên vào tệp cấu hình "
    "(quyền 0600).",
    "Log in (password asked with echo off, or read from stdin); keeps the session in the "
    "configuration file (mode 0600).",
    cmd_login};
