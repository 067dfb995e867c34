/* shell: the clerk's whole day in one screen. One line per action with short
 * keys; a status line with the queue for this counter's groups, kept live from
 * the event stream (GET /events, Server-Sent Events): whenever anything
 * happens in the queue — another counter calls, a kiosk issues a ticket —
 * the line is printed again if it changed. One loop waits on both the stream
 * (libcurl multi) and the keyboard (an extra poll fd). */
#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "counter.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

struct shell {
	struct cc *c;
	CURLM *multi;
	CURL *easy; /* the event stream, NULL while disconnected */
	struct curl_slist *hdrs;
	struct strbuf pending; /* bytes of the stream not yet a whole line */
	struct strbuf data;    /* data lines of the event being read */
	char event[64];
	bool dirty;      /* the queue changed: fetch it and redraw */
	bool redraw;     /* a snapshot arrived: redraw */
	json_t *queue;   /* the last snapshot */
	char *last_line; /* the status line as last printed */
	time_t retry_at; /* when to reconnect the stream */
	bool tty;
	bool prompted; /* "> " is the last thing printed: never print it twice */
};

/* Prints the prompt unless it is already showing. */
static void shell_prompt(struct shell *sh)
{
	if (!sh->prompted)
		printf("> ");
	sh->prompted = true;
	fflush(stdout);
}

/* One whole event: a snapshot replaces the queue at once; any other event
 * means the queue changed, fetched again by the loop. */
static void shell_event(struct shell *sh)
{
	if (sh->data.len == 0)
		return;
	if (strcmp(sh->event, "snapshot") == 0) {
		json_t *q = json_loads(sh->data.data, 0, NULL);
		if (json_is_object(q)) {
			json_decref(sh->queue);
			sh->queue = q;
			sh->redraw = true;
		} else {
			json_decref(q);
		}
	} else {
		sh->dirty = true;
	}
}

/* One line of the stream (text/event-stream: "event:", "data:", "id:", ":"
 * comments, an empty line ends the event). */
static void shell_line(struct shell *sh, char *line)
{
	size_t n = strlen(line);
	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	if (n == 0) {
		shell_event(sh);
		strbuf_reset(&sh->data);
		sh->event[0] = '\0';
		return;
	}
	if (line[0] == ':')
		return;
	if (strncmp(line, "event:", 6) == 0) {
		const char *v = line + 6 + (line[6] == ' ');
		snprintf(sh->event, sizeof sh->event, "%s", v);
	} else if (strncmp(line, "data:", 5) == 0) {
		const char *v = line + 5 + (line[5] == ' ');
		if (sh->data.len)
			strbuf_puts(&sh->data, "\n");
		strbuf_puts(&sh->data, v);
	}
}

static size_t shell_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct shell *sh = userdata;
	size_t n = size * nmemb;
	strbuf_append(&sh->pending, ptr, n);
	char *nl;
	while (sh->pending.data && (nl = memchr(sh->pending.data, '\n', sh->pending.len))) {
		*nl = '\0';
		char *line = xstrdup(sh->pending.data);
		size_t rest = sh->pending.len - (size_t)(nl + 1 - sh->pending.data);
		memmove(sh->pending.data, nl + 1, rest);
		sh->pending.len = rest;
		sh->pending.data[rest] = '\0';
		shell_line(sh, line);
		free(line);
	}
	if (sh->pending.len > (1u << 20))
		return 0; /* a line of a megabyte is not an event stream */
	return n;
}

static void shell_connect(struct shell *sh)
{
	char *url = xasprintf("%s/api/v1/events", cc_server(sh->c));
	char *auth = xasprintf("Authorization: Bearer %s", sh->c->cfg.token);
	curl_slist_free_all(sh->hdrs);
	sh->hdrs = curl_slist_append(NULL, auth);
	sh->hdrs = curl_slist_append(sh->hdrs, "Accept: text/event-stream");
	free(auth);
	strbuf_reset(&sh->pending);
	strbuf_reset(&sh->data);
	sh->event[0] = '\0';
	sh->easy = curl_easy_init();
	curl_easy_setopt(sh->easy, CURLOPT_URL, url);
	curl_easy_setopt(sh->easy, CURLOPT_HTTPHEADER, sh->hdrs);
	curl_easy_setopt(sh->easy, CURLOPT_WRITEFUNCTION, shell_write);
	curl_easy_setopt(sh->easy, CURLOPT_WRITEDATA, sh);
	curl_easy_setopt(sh->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(sh->easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(sh->easy, CURLOPT_FAILONERROR, 1L);
	/* The server sends a comment every 15 s: 45 s of silence is a dead stream. */
	curl_easy_setopt(sh->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(sh->easy, CURLOPT_LOW_SPEED_TIME, 45L);
	curl_multi_add_handle(sh->multi, sh->easy);
	free(url);
}

static void shell_disconnect(struct shell *sh)
{
	if (sh->easy == NULL)
		return;
	curl_multi_remove_handle(sh->multi, sh->easy);
	curl_easy_cleanup(sh->easy);
	sh->easy = NULL;
}

/* Prints the status line when it differs from the last one printed. */
static void shell_draw(struct shell *sh, bool force)
{
	if (sh->queue == NULL)
		return;
	char *line = cc_queue_line(sh->c, sh->queue, sh->c->cfg.counter);
	if (force || sh->last_line == NULL || strcmp(line, sh->last_line) != 0) {
		char t[16];
		/* Office time (UTC+7, no summer time), whatever the computer's zone. */
		time_t now = time(NULL) + 7 * 3600;
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(t, sizeof t, "%H:%M:%S", &tm);
		printf("%s%s[%s] %s\n", sh->tty ? "\r\033[K" : "",
		       sh->prompted && !sh->tty ? "\n" : "", t, line);
		sh->prompted = false;
		shell_prompt(sh);
		free(sh->last_line);
		sh->last_line = line;
	} else {
		free(line);
	}
}

static void shell_refresh(struct shell *sh)
{
	json_t *q;
	sh->dirty = false;
	/* Quietly: a failed refresh shows on the next action or the next event. */
	struct cc_response resp;
	cc_request(sh->c, "GET", "/api/v1/queue", NULL, &resp);
	if (resp.status == 200 && json_is_object(resp.json)) {
		q = json_incref(resp.json);
		json_decref(sh->queue);
		sh->queue = q;
	}
	cc_response_free(&resp);
	shell_draw(sh, false);
}

static void shell_help(struct cc *c)
{
	printf(
	    "%s\n",
	    T(c,
	      "n = gọi số tiếp theo · r = gọi lại · x = vắng mặt · j SỐ = xếp lại số vắng mặt · "
	      "f = kết thúc (f hủy: hủy lượt) · t NHÓM|QUẦY = chuyển · o = mở quầy · p = tạm dừng "
	      "· "
	      "s = trạng thái · q = thoát · ? = trợ giúp",
	      "n = next · r = recall · x = no-show · j NUMBER = rejoin a no-show · f = finish (f "
	      "removed: cancel) · t GROUP|COUNTER = transfer · o = open · p = pause · s = status · "
	      "q = "
	      "quit · "
	      "? = help"));
}

/* Runs one typed line; returns -1 to quit, else the action's exit code. */
static int shell_do(struct shell *sh, char *line)
{
	struct cc *c = sh->c;
	while (*line == ' ' || *line == '\t')
		line++;
	char *arg = line + strcspn(line, " \t");
	if (*arg) {
		*arg++ = '\0';
		while (*arg == ' ' || *arg == '\t')
			arg++;
	}
	int rc = CC_OK;
	cc_new_action(c);
	if (*line == '\0') {
		shell_draw(sh, true);
		return CC_OK;
	}
	if (strcmp(line, "q") == 0 || strcmp(line, "quit") == 0)
		return -1;
	if (strcmp(line, "n") == 0 || strcmp(line, "next") == 0) {
		rc = cc_call_next(c);
	} else if (strcmp(line, "r") == 0 || strcmp(line, "recall") == 0) {
		rc = cc_counter_action(c, "recall", NULL);
	} else if (strcmp(line, "x") == 0 || strcmp(line, "no-show") == 0) {
		rc = cc_counter_action(c, "no-show", NULL);
	} else if ((strcmp(line, "j") == 0 || strcmp(line, "rejoin") == 0) && *arg) {
		char *argv[] = {line, arg, NULL};
		rc = cmd_rejoin_entry.exec(c, 2, argv);
	} else if (strcmp(line, "f") == 0 || strcmp(line, "finish") == 0) {
		/* "f hủy" (or "f huy") in Vietnamese; the API's word still works. */
		const char *o = *arg == '\0' ? "served"
		                : strcmp(arg, "hủy") == 0 || strcmp(arg, "huy") == 0 ||
		                        strcmp(arg, "removed") == 0
		                    ? "removed"
		                    : arg;
		if (strcmp(o, "served") != 0 && strcmp(o, "removed") != 0) {
			shell_help(c);
			return CC_USAGE;
		}
		json_t *body = json_pack("{s:s}", "outcome", o);
		rc = cc_counter_action(c, "finish", body);
		json_decref(body);
	} else if ((strcmp(line, "t") == 0 || strcmp(line, "transfer") == 0) && *arg) {
		json_t *body;
		if ((rc = cc_transfer_body(c, arg, &body)) == CC_OK)
			rc = cc_counter_action(c, "transfer", body);
		json_decref(body);
	} else if (strcmp(line, "o") == 0 || strcmp(line, "p") == 0) {
		json_t *body = json_pack("{s:s}", "state", line[0] == 'o' ? "open" : "paused"),
		       *ans;
		char *path = xasprintf("/api/v1/counters/%d/state", c->cfg.counter);
		rc = cc_api(c, "POST", path, body, &ans);
		if (rc == CC_OK)
			printf("%s\n", line[0] == 'o' ? T(c, "Quầy đã mở.", "Counter open.")
			                              : T(c, "Quầy tạm dừng.", "Counter paused."));
		json_decref(ans);
		json_decref(body);
		free(path);
	} else if (strcmp(line, "s") == 0 || strcmp(line, "status") == 0) {
		sh->dirty = true;
		free(sh->last_line);
		sh->last_line = NULL;
		return CC_OK;
	} else {
		shell_help(c);
		return strcmp(line, "?") == 0 || strcmp(line, "h") == 0 ? CC_OK : CC_USAGE;
	}
	sh->dirty = true;
	return rc;
}

static int cmd_shell(struct cc *c, int argc, char **argv)
{
	if (argc > 1)
		return cc_usage(c, &cmd_shell_entry);
	int rc;
	if ((rc = cc_need_login(c)) || (rc = cc_need_counter(c)))
		return rc;
	struct shell sh = {.c = c, .multi = curl_multi_init(), .tty = isatty(STDOUT_FILENO) == 1};
	struct strbuf input = STRBUF_INIT;
	bool quit = false;
	int result = CC_OK;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf(T(c, "motcua-counter — quầy %d, %s. ", "motcua-counter — counter %d, %s. "),
	       c->cfg.counter, c->cfg.username ? c->cfg.username : "?");
	shell_help(c);
	shell_refresh(&sh);
	if (sh.queue == NULL) {
		json_t *q;
		if ((rc = cc_queue(c, &q)) != CC_OK)
			quit = true, result = rc;
		json_decref(q);
	}
	shell_connect(&sh);
	while (!quit) {
		struct curl_waitfd kbd = {.fd = STDIN_FILENO, .events = CURL_WAIT_POLLIN};
		int numfds = 0, running = 0;
		if (sh.easy == NULL && time(NULL) >= sh.retry_at)
			shell_connect(&sh);
		curl_multi_poll(sh.multi, &kbd, 1, 1000, &numfds);
		curl_multi_perform(sh.multi, &running);
		CURLMsg *m;
		int left;
		while ((m = curl_multi_info_read(sh.multi, &left))) {
			if (m->msg == CURLMSG_DONE && m->easy_handle == sh.easy) {
				long status = 0;
				curl_easy_getinfo(sh.easy, CURLINFO_RESPONSE_CODE, &status);
				shell_disconnect(&sh);
				sh.retry_at = time(NULL) + 2;
				if (status == 401) {
					cc_fail(c, CC_AUTH,
					        T(c,
					          "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại: "
					          "motcua-counter login",
					          "The session has expired. Log in again: "
					          "motcua-counter login"));
					quit = true;
					result = CC_AUTH;
				}
			}
		}
		if (sh.redraw) {
			sh.redraw = false;
			shell_draw(&sh, false);
		}
		if (sh.dirty)
			shell_refresh(&sh);
		if (kbd.revents & CURL_WAIT_POLLIN) {
			char buf[512];
			ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
			if (n <= 0) {
				quit = true;
				break;
			}
			strbuf_append(&input, buf, (size_t)n);
			char *nl;
			while (!quit && (nl = memchr(input.data, '\n', input.len))) {
				*nl = '\0';
				char *line = xstrdup(input.data);
				size_t rest = input.len - (size_t)(nl + 1 - input.data);
				memmove(input.data, nl + 1, rest);
				input.len = rest;
				input.data[rest] = '\0';
				sh.prompted = false; /* the clerk's line ended it */
				int r = shell_do(&sh, line);
				free(line);
				if (r < 0)
					quit = true;
				else if (r == CC_AUTH)
					quit = true, result = CC_AUTH;
				if (!quit && sh.dirty)
					shell_refresh(&sh);
				if (!quit)
					shell_prompt(&sh);
			}
		}
	}
	printf("\n%s\n", T(c, "Tạm biệt.", "Goodbye."));
	shell_disconnect(&sh);
	curl_slist_free_all(sh.hdrs);
	curl_multi_cleanup(sh.multi);
	strbuf_free(&sh.pending);
	strbuf_free(&sh.data);
	strbuf_free(&input);
	json_decref(sh.queue);
	free(sh.last_line);
	return result;
}

const struct cc_command cmd_shell_entry = {
    "shell", "",
    "Chế độ làm việc cả ngày: phím tắt n/r/x/f/q, dòng trạng thái hàng chờ cập nhật trực tiếp.",
    "The whole day's mode: keys n/r/x/f/q, a queue status line updated live.", cmd_shell};
