/* Operations: /healthz, /metrics (Prometheus text) and the test clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api_internal.h"
#include "api/bus.h"
#include "api/present_ops.h"
#include "util/backup_files.h"
#include "util/clock.h"
#include "util/strbuf.h"

/* GET /healthz, public: "ok" only when the store answers through this
 * thread's reader (never the writer: it belongs to the thread inside a write
 * transaction); else 503 {"status":"unavailable","error":{…}}. */
void route_healthz(struct api *api, struct http_request *r)
{
	char now_iso[26];
	int64_t now = clock_now();
	int schema = 0;
	struct mc_error err;
	clock_office_iso(now, now_iso);
	if (store_health(api->st, &schema, &err) != MC_OK) {
		http_reply_json(r, http_status_of(err.kind),
		                json_pack("{s:s, s:s, s:{s:s, s:s, s:s}}", "status", "unavailable",
		                          "version", MOTCUA_VERSION, "error", "code", err.code,
		                          "message", err.message_vi, "message_en", err.message_en));
		return;
	}
	http_reply_json(r, 200,
	                json_pack("{s:s, s:s, s:s, s:I, s:s, s:i, s:i}", "status", "ok", "version",
	                          MOTCUA_VERSION, "clock", clock_is_test_mode() ? "test" : "real",
	                          "now", (json_int_t)now, "now_local", now_iso, "schema", schema,
	                          "subscribers", bus_subscriber_count(api->bus)));
}

static const double ops_bounds_s[API_LATENCY_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                         0.025,  0.05,  0.1,    0.25,  1.0};

/* When this process started, epoch seconds (real time, whatever the test
 * clock says): its start in clock ticks after boot (/proc/self/stat, field
 * 22) plus the boot instant (/proc/stat btime); 0 when unknown. Read once
 * per scrape: two small files of procfs. */
static double ops_process_start(void)
{
	char buf[1024];
	double start = 0;
	FILE *f = fopen("/proc/self/stat", "r");
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name (field 2) may hold spaces: fields count from its ')'. */
	char *p = strrchr(buf, ')');
	unsigned long long ticks = 0;
	if (p == NULL || sscanf(p + 2,
	                        "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
	                        "%*d %*d %*d %*d %llu",
	                        &ticks) != 1)
		return 0;
	f = fopen("/proc/stat", "r");
	if (f == NULL)
		return 0;
	char line[256];
	long long btime = 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "btime %lld", &btime) == 1)
			break;
	fclose(f);
	long hz = sysconf(_SC_CLK_TCK);
	if (btime > 0 && hz > 0)
		start = (double)btime + (double)ticks / (double)hz;
	return start;
}

/* The series of the process: build, start, and the newest checked backup of
 * cfg.backup_dir (only when it is set; 0 while it holds none). */
static void ops_process_metrics(struct api *api, struct strbuf *sb)
{
	strbuf_printf(sb,
	              "# HELP motcua_build_info The running program's version.\n"
	              "# TYPE motcua_build_info gauge\n"
	              "motcua_build_info{version=\"%s\"} 1\n"
	              "# HELP process_start_time_seconds Start time of the process since unix "
	              "epoch in seconds.\n"
	              "# TYPE process_start_time_seconds gauge\n"
	              "process_start_time_seconds %.2f\n",
	              MOTCUA_VERSION, ops_process_start());
	if (api->cfg.backup_dir == NULL)
		return;
	int64_t when = 0;
	if (!backup_newest(api->cfg.backup_dir, (int64_t)time(NULL), &when, NULL))
		when = 0;
	strbuf_printf(sb,
	              "# HELP motcua_backup_newest_timestamp_seconds When the newest checked "
	              "backup in the backup folder was made (epoch seconds), 0 when there is "
	              "none.\n"
	              "# TYPE motcua_backup_newest_timestamp_seconds gauge\n"
	              "motcua_backup_newest_timestamp_seconds %lld\n",
	              (long long)when);
}

void route_metrics(struct api *api, struct http_request *r)
{
	struct strbuf sb = STRBUF_INIT;
	struct api_metrics *m = &api->metrics;

	strbuf_puts(&sb, "# HELP motcua_http_requests_total HTTP requests answered, by status.\n"
	                 "# TYPE motcua_http_requests_total counter\n");
	for (int code = 100; code < 600; code++) {
		uint64_t n = atomic_load(&m->requests[code]);
		if (n)
			strbuf_printf(&sb, "motcua_http_requests_total{code=\"%d\"} %llu\n", code,
			              (unsigned long long)n);
	}
	strbuf_puts(&sb, "# HELP motcua_http_request_duration_seconds Time to answer a request.\n"
	                 "# TYPE motcua_http_request_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (int i = 0; i < API_LATENCY_BUCKETS; i++) {
		cum += atomic_load(&m->latency_le[i]);
		strbuf_printf(&sb, "motcua_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
		              ops_bounds_s[i], (unsigned long long)cum);
	}
	uint64_t count = atomic_load(&m->latency_count);
	strbuf_printf(&sb,
	              "motcua_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
	              "motcua_http_request_duration_seconds_sum %.6f\n"
	              "motcua_http_request_duration_seconds_count %llu\n",
	              (unsigned long long)count, (double)atomic_load(&m->latency_sum_us) / 1e6,
	              (unsigned long long)count);
	strbuf_printf(&sb,
	              "# HELP motcua_sse_subscribers Live event stream subscribers.\n"
	              "# TYPE motcua_sse_subscribers gauge\nmotcua_sse_subscribers %d\n",
	              bus_subscriber_count(api->bus));
	strbuf_printf(&sb,
	              "# HELP motcua_http_large_bodies Requests buffering a body over the "
	              "ordinary body limit now (feedback with attachments); at %d the next one "
	              "is answered 503.\n"
	              "# TYPE motcua_http_large_bodies gauge\nmotcua_http_large_bodies %d\n",
	              API_LARGE_BODIES, api_large_bodies_held(api));
	uint64_t batches, commits;
	store_commit_stats(api->st, &batches, &commits);
	strbuf_printf(&sb,
	              "# HELP motcua_store_commits_total Durable write transactions.\n"
	              "# TYPE motcua_store_commits_total counter\n"
	              "motcua_store_commits_total %llu\n"
	              "# HELP motcua_store_batches_total Durable COMMITs (fsyncs) that held them.\n"
	              "# TYPE motcua_store_batches_total counter\n"
	              "motcua_store_batches_total %llu\n",
	              (unsigned long long)commits, (unsigned long long)batches);
	struct mc_error err;
	ops_process_metrics(api, &sb);
	int64_t now = clock_now();
	struct queue_figures queue;
	struct store_ops_figures ops;
	if (store_queue_figures_load(api->st, now, &queue, &err) != MC_OK) {
		strbuf_free(&sb);
		http_reply_error(r, &err);
		return;
	}
	present_queue_metrics(&queue, &sb);
	queue_figures_clear(&queue);
	if (store_ops_figures_load(api->st, now, &ops, &err) != MC_OK) {
		strbuf_free(&sb);
		http_reply_error(r, &err);
		return;
	}
	present_ops_metrics(&ops, &sb);
	store_ops_figures_clear(&ops);
	size_t len;
	char *text = strbuf_detach(&sb, &len);
	free(r->resp);
	r->status = 200;
	r->resp = text;
	r->resp_len = len;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

void route_test_clock(struct api *api, struct http_request *r)
{
	if (!clock_is_test_mode()) {
		http_reply_fail(r, MC_ERR_NOT_FOUND, "not_found", "Không có địa chỉ này",
		                "No such resource (the server runs on the real clock)");
		return;
	}
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	json_t *now = json_object_get(body, "now");
	if (!json_is_integer(now) || json_integer_value(now) < 0) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "'now' must be epoch seconds");
		json_decref(body);
		return;
	}
	clock_set(json_integer_value(now));
	json_decref(body);
	http_reply_json(r, 200, json_pack("{s:I}", "now", (json_int_t)clock_now()));
}
