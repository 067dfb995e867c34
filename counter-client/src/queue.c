/* The queue as one counter sees it, and the counter actions shared by the
 * commands (next, recall, no-show, transfer, finish) and the shell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "counter.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

int cc_queue(struct cc *c, json_t **out)
{
	return cc_api(c, "GET", "/api/v1/queue", NULL, out);
}

json_t *cc_queue_counter(json_t *queue, int no)
{
	size_t i;
	json_t *co;
	json_array_foreach(json_object_get(queue, "counters"), i, co)
	{
		if (json_integer_value(json_object_get(co, "no")) == no)
			return co;
	}
	return NULL;
}

static const char *queue_state_name(struct cc *c, const char *state)
{
	if (strcmp(state, "open") == 0)
		return T(c, "đang mở", "open");
	if (strcmp(state, "paused") == 0)
		return T(c, "tạm dừng", "paused");
	if (strcmp(state, "closed") == 0)
		return T(c, "đóng", "closed");
	return state;
}

char *cc_queue_line(struct cc *c, json_t *queue, int no)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *co = cc_queue_counter(queue, no);
	if (co == NULL) {
		strbuf_printf(&sb,
		              T(c, "Quầy %d: không có trong cấu hình của cơ quan",
		                "Counter %d: not configured at the office"),
		              no);
		return strbuf_detach(&sb, NULL);
	}
	json_t *serving = json_object_get(co, "serving");
	strbuf_printf(&sb, "%s %d (%s) · %s: %s ·", T(c, "Quầy", "Counter"), no,
	              queue_state_name(c, cc_str(co, "state", "?")),
	              T(c, "đang phục vụ", "serving"),
	              json_is_object(serving) ? cc_str(serving, "label", "?") : "—");
	size_t i, j;
	int ours_n = 0;
	json_t *g, *code, *lbl;
	json_t *mine = json_object_get(co, "groups");
	json_array_foreach(json_object_get(queue, "groups"), i, g)
	{
		bool ours = false;
		json_array_foreach(mine, j, code)
		{
			if (json_is_string(code) &&
			    strcmp(json_string_value(code), cc_str(g, "code", "")) == 0)
				ours = true;
		}
		if (!ours)
			continue;
		strbuf_printf(&sb, "%s %s: %lld %s", ours_n++ ? " ·" : "",
		              cc_str(g, "name", cc_str(g, "code", "?")),
		              (long long)json_integer_value(json_object_get(g, "waiting")),
		              T(c, "người chờ", "waiting"));
		json_t *next = json_object_get(g, "next");
		if (json_array_size(next) > 0) {
			strbuf_puts(&sb, " [");
			json_array_foreach(next, j, lbl)
			{
				if (j >= 5)
					break;
				strbuf_printf(&sb, "%s%s", j ? " " : "", json_string_value(lbl));
			}
			strbuf_puts(&sb, "]");
		}
	}
	json_t *last = json_array_get(json_object_get(queue, "recent_calls"), 0);
	if (json_is_object(last))
		strbuf_printf(&sb, " · %s: %s→%s %lld", T(c, "vừa gọi", "last call"),
		              cc_str(last, "label", "?"), T(c, "quầy", "counter"),
		              (long long)json_integer_value(json_object_get(last, "counter")));
	return strbuf_detach(&sb, NULL);
}

const char *cc_group_name(json_t *queue, const char *code)
{
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(queue, "groups"), i, g)
	{
		if (code && strcmp(cc_str(g, "code", ""), code) == 0)
			return cc_str(g, "name", NULL);
	}
	return NULL;
}

/* What a counter action did, in one line. body: what was sent, with
 * "group_name" (ours) naming the group of a call or a transfer. */
static void queue_say(struct cc *c, const char *op, json_t *ans, json_t *body)
{
	json_t *t = json_object_get(ans, "ticket");
	const char *label = cc_str(t, "label", "?");
	int no = c->cfg.counter;
	const char *group = cc_str(body, "group_name", NULL);
	if (strcmp(op, "call") == 0 && group)
		printf(T(c, "Mời số %s đến quầy %d (nhóm %s).\n",
		         "Calling %s to counter %d (group %s).\n"),
		       label, no, group);
	else if (strcmp(op, "call") == 0)
		printf(T(c, "Mời số %s đến quầy %d.\n", "Calling %s to counter %d.\n"), label, no);
	else if (strcmp(op, "recall") == 0)
		printf(T(c, "Đã gọi lại số %s đến quầy %d.\n", "Called %s again to counter %d.\n"),
		       label, no);
	else if (strcmp(op, "no-show") == 0)
		printf(T(c, "Số %s vắng mặt: lượt đã kết thúc (có thể xếp lại trong ngày).\n",
		         "%s did not come: the visit ended as a no-show (may rejoin today).\n"),
		       label);
	else if (strcmp(op, "transfer") == 0) {
		json_t *to = json_object_get(body, "counter");
		if (to)
			printf(T(c, "Đã chuyển số %s sang quầy %lld.\n",
			         "Transferred %s to counter %lld.\n"),
			       label, (long long)json_integer_value(to));
		else
			printf(T(c, "Đã chuyển số %s sang nhóm %s.\n",
			         "Transferred %s to group %s.\n"),
			       label, cc_str(body, "group_name", cc_str(body, "group", "?")));
	} else if (strcmp(op, "finish") == 0) {
		const char *o = cc_str(body, "outcome", "served");
		printf(T(c, "Đã kết thúc số %s (%s).\n", "Finished %s (%s).\n"), label,
		       strcmp(o, "removed") == 0 ? T(c, "hủy lượt", "removed")
		                                 : T(c, "đã phục vụ", "served"));
	}
}

int cc_transfer_body(struct cc *c, const char *arg, json_t **body)
{
	*body = NULL;
	char *end;
	long no = strtol(arg, &end, 10);
	if (*arg && *end == '\0') {
		*body = json_pack("{s:I}", "counter", (json_int_t)no);
		return CC_OK;
	}
	json_t *queue = NULL, *g, *hit = NULL, *matches = json_array();
	size_t i;
	int hits = 0, whole = 0, rc;
	if ((rc = cc_queue(c, &queue))) {
		json_decref(matches);
		return rc;
	}
	json_t *groups = json_object_get(queue, "groups");
	json_array_foreach(groups, i, g)
	{
		if (strcasecmp(cc_str(g, "code", ""), arg) == 0) {
			hit = g, hits = 1;
			break;
		}
		if (cc_name_matches(cc_str(g, "name", ""), arg)) {
			json_array_append(matches, g);
			whole += cc_name_is(cc_str(g, "name", ""), arg);
		}
	}
	if (hit == NULL && (json_array_size(matches) == 1 || whole == 1)) {
		json_array_foreach(matches, i, g)
		{
			if (json_array_size(matches) == 1 || cc_name_is(cc_str(g, "name", ""), arg))
				hit = g;
		}
		hits = 1;
	}
	if (hits == 1) {
		*body = json_pack("{s:s, s:s}", "group", cc_str(hit, "code", ""), "group_name",
		                  cc_str(hit, "name", ""));
		goto out;
	}
	/* No match: every group to choose from; several: only those. */
	hits = (int)json_array_size(matches);
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "");
	json_array_foreach(hits ? matches : groups, i, g)
	{
		strbuf_printf(&sb, "%s%s (%s)", sb.len ? ", " : "", cc_str(g, "name", "?"),
		              cc_str(g, "code", "?"));
	}
	rc = cc_fail(c, CC_USAGE,
	             hits == 0 ? T(c, "Không có nhóm nào tên '%s'. Chọn tên hoặc mã một nhóm: %s",
	                           "No group is called '%s'. Give a group's name or code: %s")
	                       : T(c, "'%s' khớp nhiều nhóm. Ghi rõ hơn: %s",
	                           "'%s' matches several groups. Be more precise: %s"),
	             arg, sb.data);
	strbuf_free(&sb);
out:
	json_decref(matches);
	json_decref(queue);
	return rc;
}

int cc_counter_action(struct cc *c, const char *op, json_t *body)
{
	int rc;
	if ((rc = cc_need_login(c)) || (rc = cc_need_counter(c)))
		return rc;
	char *path = xasprintf("/api/v1/counters/%d/%s", c->cfg.counter, op);
	json_t *ans, *sent = json_deep_copy(body);
	json_object_del(sent, "group_name"); /* ours, for the sentence */
	rc = cc_api(c, "POST", path, sent, &ans);
	json_decref(sent);
	free(path);
	if (rc == CC_OK) {
		if (c->json)
			cc_print_json(ans);
		else
			queue_say(c, op, ans, body);
		json_decref(ans);
	}
	return rc;
}

int cc_call_next(struct cc *c)
{
	int rc;
	json_t *queue, *ans;
	if ((rc = cc_need_login(c)) || (rc = cc_need_counter(c)) || (rc = cc_queue(c, &queue)))
		return rc;
	json_t *serving = json_object_get(cc_queue_counter(queue, c->cfg.counter), "serving");
	char *current = json_is_object(serving) ? xstrdup(cc_str(serving, "label", "?")) : NULL;

	json_t *body = current ? json_pack("{s:s}", "finish_current", "served") : NULL;
	char *path = xasprintf("/api/v1/counters/%d/call", c->cfg.counter);
	rc = cc_api(c, "POST", path, body, &ans);
	free(path);
	json_decref(body);
	if (rc == CC_OK) {
		if (c->json) {
			cc_print_json(ans);
		} else {
			if (current)
				printf(T(c, "Số %s đã kết thúc (đã phục vụ).\n",
				         "%s was finished (served).\n"),
				       current);
			/* The group by its name, from the hall's groups read above. */
			const char *name = cc_group_name(
			    queue, cc_str(json_object_get(ans, "ticket"), "group", NULL));
			json_t *said = name ? json_pack("{s:s}", "group_name", name) : NULL;
			queue_say(c, "call", ans, said);
			json_decref(said);
		}
		json_decref(ans);
	} else if (current && rc != CC_UNREACHABLE) {
		fprintf(stderr,
		        T(c, "Số %s vẫn đang ở quầy; kết thúc bằng: motcua-counter finish\n",
		          "%s is still at the counter; finish it with: motcua-counter finish\n"),
		        current);
	}
	free(current);
	json_decref(queue);
	return rc;
}
